//! [`RpcChain`]: [`Chain`] over a cluster's JSON-RPC, with the nonblocking
//! `RpcClient`, every read at one configurable commitment.

use crate::chain::{
    decode_clock, AccountFilter, Chain, ChainClock, ChainError, Commitment, LatestBlockhash,
    LookupTable, PrioritizationFee, Simulation, TxStatus,
};
use async_trait::async_trait;
use base64::Engine;
use joule_sdk::Pubkey;
use solana_account::Account;
use solana_account_decoder_client_types::UiAccount;
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig,
    RpcSimulateTransactionConfig,
};
use solana_rpc_client_api::custom_error as codes;
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
use solana_rpc_client_api::response::Response as RpcResponse;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;

/// The `Clock` sysvar.
const CLOCK_SYSVAR: Pubkey = Pubkey::from_str_const("SysvarC1ock11111111111111111111111111111111");

/// A cluster behind JSON-RPC.
pub struct RpcChain {
    client: RpcClient,
    commitment: Commitment,
}

impl RpcChain {
    /// A chain at `url`, reading at `commitment`.
    pub fn new(url: impl Into<String>, commitment: Commitment) -> Self {
        RpcChain {
            client: RpcClient::new_with_commitment(url.into(), commitment_config(commitment)),
            commitment,
        }
    }

    /// A chain over an existing client (its own timeout and headers),
    /// reading at `commitment`.
    pub fn with_client(client: RpcClient, commitment: Commitment) -> Self {
        RpcChain { client, commitment }
    }

    pub fn url(&self) -> String {
        self.client.url()
    }

    pub fn commitment(&self) -> Commitment {
        self.commitment
    }

    fn config(&self) -> CommitmentConfig {
        commitment_config(self.commitment)
    }

    fn account_config(&self) -> RpcAccountInfoConfig {
        RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64Zstd),
            data_slice: None,
            commitment: Some(self.config()),
            min_context_slot: None,
        }
    }
}

fn commitment_config(c: Commitment) -> CommitmentConfig {
    CommitmentConfig {
        commitment: match c {
            Commitment::Processed => CommitmentLevel::Processed,
            Commitment::Confirmed => CommitmentLevel::Confirmed,
            Commitment::Finalized => CommitmentLevel::Finalized,
        },
    }
}

/// HTTP statuses worth retrying: too many requests, server errors, and
/// request timeouts.
fn classify_http(status: u16, text: String) -> ChainError {
    match status {
        429 => ChainError::RateLimited(text),
        408 | 500..=599 => ChainError::Transient(text),
        _ => ChainError::Permanent(text),
    }
}

/// Sorts an RPC client error into the sender's classes: transient (retry
/// with backoff), rate limited (retry, slower), the node refusing the
/// transaction (typed, not retried), permanent (not retried).
pub fn classify(err: &ClientError) -> ChainError {
    let text = err.to_string();
    match err.kind() {
        ErrorKind::Io(_) | ErrorKind::Middleware(_) => ChainError::Transient(text),
        ErrorKind::Reqwest(e) => match e.status() {
            Some(status) => classify_http(status.as_u16(), text),
            // Connect, timeout, body and decode errors of a reply cut short.
            None => ChainError::Transient(text),
        },
        ErrorKind::RpcError(rpc) => classify_rpc(rpc, text),
        ErrorKind::TransactionError(e) => ChainError::Rejected {
            err: e.clone(),
            logs: vec![],
        },
        ErrorKind::SerdeJson(_) | ErrorKind::SigningError(_) | ErrorKind::Custom(_) => {
            ChainError::Permanent(text)
        }
    }
}

fn classify_rpc(rpc: &RpcError, text: String) -> ChainError {
    match rpc {
        RpcError::RpcResponseError {
            code,
            message,
            data,
            ..
        } => {
            if let RpcResponseErrorData::SendTransactionPreflightFailure(sim) = data {
                if let Some(err) = &sim.err {
                    return ChainError::Rejected {
                        err: err.clone().into(),
                        logs: sim.logs.clone().unwrap_or_default(),
                    };
                }
            }
            let lower = message.to_ascii_lowercase();
            if *code == 429 || lower.contains("rate limit") || lower.contains("too many requests") {
                return ChainError::RateLimited(text);
            }
            match *code {
                codes::JSON_RPC_SERVER_ERROR_BLOCK_NOT_AVAILABLE
                | codes::JSON_RPC_SERVER_ERROR_NODE_UNHEALTHY
                | codes::JSON_RPC_SERVER_ERROR_SLOT_SKIPPED
                | codes::JSON_RPC_SERVER_ERROR_NO_SNAPSHOT
                | codes::JSON_RPC_SERVER_ERROR_BLOCK_STATUS_NOT_AVAILABLE_YET
                | codes::JSON_RPC_SERVER_ERROR_MIN_CONTEXT_SLOT_NOT_REACHED
                | codes::JSON_RPC_SERVER_ERROR_LONG_TERM_STORAGE_UNREACHABLE => {
                    ChainError::Transient(text)
                }
                codes::JSON_RPC_SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE => {
                    ChainError::Rejected {
                        err: TransactionError::SignatureFailure,
                        logs: vec![],
                    }
                }
                // JSON-RPC internal error: the node failed, not the request.
                -32603 => ChainError::Transient(text),
                // Implementation-defined server errors (-32000 to -32099)
                // not listed above, and standard request errors.
                _ => ChainError::Permanent(text),
            }
        }
        // The client could not make or read the request.
        RpcError::RpcRequestError(_) => ChainError::Transient(text),
        RpcError::ParseError(_) | RpcError::ForUser(_) => ChainError::Permanent(text),
    }
}

fn ui_accounts(
    accounts: Vec<Option<solana_account_decoder_client_types::UiAccount>>,
) -> Result<Vec<Option<Account>>, ChainError> {
    accounts
        .into_iter()
        .map(|a| match a {
            None => Ok(None),
            Some(ui) => ui
                .to_account()
                .map(Some)
                .ok_or_else(|| ChainError::Permanent("undecodable account data".into())),
        })
        .collect()
}

#[async_trait]
impl Chain for RpcChain {
    async fn get_account(&self, key: &Pubkey) -> Result<Option<Account>, ChainError> {
        // The raw request, not `get_ui_account_with_config`: that one turns
        // every failure (a refused connection included) into a user error
        // "AccountNotFound", which would read as permanent.
        let params = serde_json::json!([key.to_string(), self.account_config()]);
        let res: RpcResponse<Option<UiAccount>> = self
            .client
            .send(RpcRequest::GetAccountInfo, params)
            .await
            .map_err(|e| classify(&e))?;
        Ok(ui_accounts(vec![res.value])?.pop().flatten())
    }

    async fn get_multiple_accounts(
        &self,
        keys: &[Pubkey],
    ) -> Result<Vec<Option<Account>>, ChainError> {
        // The RPC method takes at most 100 keys.
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let res = self
                .client
                .get_multiple_ui_accounts_with_config(chunk, self.account_config())
                .await
                .map_err(|e| classify(&e))?;
            out.extend(ui_accounts(res.value)?);
        }
        Ok(out)
    }

    async fn get_program_accounts(
        &self,
        program: &Pubkey,
        filters: &[AccountFilter],
    ) -> Result<Vec<(Pubkey, Account)>, ChainError> {
        let filters = filters
            .iter()
            .map(|f| match f {
                AccountFilter::DataSize(n) => RpcFilterType::DataSize(*n),
                AccountFilter::Memcmp { offset, bytes } => {
                    RpcFilterType::Memcmp(Memcmp::new_raw_bytes(*offset, bytes.clone()))
                }
            })
            .collect();
        let config = RpcProgramAccountsConfig {
            filters: Some(filters),
            account_config: self.account_config(),
            with_context: None,
            sort_results: None,
        };
        let accounts = self
            .client
            .get_program_ui_accounts_with_config(program, config)
            .await
            .map_err(|e| classify(&e))?;
        accounts
            .into_iter()
            .map(|(k, ui)| {
                ui.to_account()
                    .map(|a| (k, a))
                    .ok_or_else(|| ChainError::Permanent(format!("{k}: undecodable account")))
            })
            .collect()
    }

    async fn get_clock(&self) -> Result<ChainClock, ChainError> {
        let account = self
            .get_account(&CLOCK_SYSVAR)
            .await?
            .ok_or_else(|| ChainError::Permanent("no Clock sysvar account".into()))?;
        decode_clock(&account.data)
            .ok_or_else(|| ChainError::Permanent("undecodable Clock sysvar".into()))
    }

    async fn get_slot(&self) -> Result<u64, ChainError> {
        self.client
            .get_slot_with_commitment(self.config())
            .await
            .map_err(|e| classify(&e))
    }

    async fn get_root_slot(&self) -> Result<u64, ChainError> {
        self.client
            .get_slot_with_commitment(CommitmentConfig::finalized())
            .await
            .map_err(|e| classify(&e))
    }

    async fn get_latest_blockhash(&self) -> Result<LatestBlockhash, ChainError> {
        let (blockhash, last_valid_block_height) = self
            .client
            .get_latest_blockhash_with_commitment(self.config())
            .await
            .map_err(|e| classify(&e))?;
        Ok(LatestBlockhash {
            blockhash,
            last_valid_block_height,
        })
    }

    async fn get_block_height(&self) -> Result<u64, ChainError> {
        self.client
            .get_block_height_with_commitment(self.config())
            .await
            .map_err(|e| classify(&e))
    }

    async fn simulate_transaction(
        &self,
        tx: &VersionedTransaction,
    ) -> Result<Simulation, ChainError> {
        let config = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(self.config()),
            ..RpcSimulateTransactionConfig::default()
        };
        let res = self
            .client
            .simulate_transaction_with_config(tx, config)
            .await
            .map_err(|e| classify(&e))?
            .value;
        let return_data = match res.return_data {
            None => None,
            Some(rd) => {
                let program: Pubkey = rd
                    .program_id
                    .parse()
                    .map_err(|_| ChainError::Permanent("bad return data program id".into()))?;
                let data = base64::engine::general_purpose::STANDARD
                    .decode(&rd.data.0)
                    .map_err(|_| ChainError::Permanent("bad return data encoding".into()))?;
                Some((program, data))
            }
        };
        Ok(Simulation {
            err: res.err.map(Into::into),
            logs: res.logs.unwrap_or_default(),
            units_consumed: res.units_consumed.unwrap_or(0),
            return_data,
        })
    }

    async fn send_transaction(&self, tx: &VersionedTransaction) -> Result<Signature, ChainError> {
        // The sender simulated already and re-sends on its own schedule.
        let config = RpcSendTransactionConfig {
            skip_preflight: true,
            max_retries: Some(0),
            ..RpcSendTransactionConfig::default()
        };
        self.client
            .send_transaction_with_config(tx, config)
            .await
            .map_err(|e| classify(&e))
    }

    async fn get_signature_statuses(
        &self,
        signatures: &[Signature],
    ) -> Result<Vec<Option<TxStatus>>, ChainError> {
        // The RPC method takes at most 256 signatures.
        let mut out = Vec::with_capacity(signatures.len());
        for chunk in signatures.chunks(256) {
            let res = self
                .client
                .get_signature_statuses(chunk)
                .await
                .map_err(|e| classify(&e))?;
            out.extend(res.value.into_iter().map(|s| {
                s.map(|s| {
                    let commitment = if s.satisfies_commitment(CommitmentConfig::finalized()) {
                        Commitment::Finalized
                    } else if s.satisfies_commitment(CommitmentConfig::confirmed()) {
                        Commitment::Confirmed
                    } else {
                        Commitment::Processed
                    };
                    TxStatus {
                        slot: s.slot,
                        err: s.err,
                        commitment,
                    }
                })
            }));
        }
        Ok(out)
    }

    async fn get_recent_prioritization_fees(
        &self,
        writable: &[Pubkey],
    ) -> Result<Vec<PrioritizationFee>, ChainError> {
        // The RPC method takes at most 128 accounts.
        let keys = writable.get(..writable.len().min(128)).unwrap_or(writable);
        let fees = self
            .client
            .get_recent_prioritization_fees(keys)
            .await
            .map_err(|e| classify(&e))?;
        Ok(fees
            .into_iter()
            .map(|f| PrioritizationFee {
                slot: f.slot,
                micro_lamports: f.prioritization_fee,
            })
            .collect())
    }

    async fn get_address_lookup_table(
        &self,
        key: &Pubkey,
    ) -> Result<Option<LookupTable>, ChainError> {
        match self.get_account(key).await? {
            None => Ok(None),
            Some(a) if a.owner != solana_address_lookup_table_interface::program::ID => Err(
                ChainError::Permanent(format!("{key} is not an address lookup table")),
            ),
            Some(a) => LookupTable::decode(*key, &a.data)
                .map(Some)
                .ok_or_else(|| ChainError::Permanent(format!("{key}: undecodable lookup table"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_instruction_error::InstructionError;
    use solana_rpc_client_api::response::RpcSimulateTransactionResult;

    fn response_error(code: i64, message: &str, data: RpcResponseErrorData) -> ClientError {
        ErrorKind::RpcError(RpcError::RpcResponseError {
            code,
            message: message.into(),
            data,
        })
        .into()
    }

    #[test]
    fn preflight_failures_are_rejections_with_the_transaction_error() {
        let err = TransactionError::InstructionError(1, InstructionError::Custom(6002));
        let sim = RpcSimulateTransactionResult {
            err: Some(err.clone().into()),
            logs: Some(vec!["Program log: NotOracle".into()]),
            ..serde_json::from_str("{}").expect("an empty simulation result")
        };
        let e = response_error(
            codes::JSON_RPC_SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
            "Transaction simulation failed",
            RpcResponseErrorData::SendTransactionPreflightFailure(sim),
        );
        assert_eq!(
            classify(&e),
            ChainError::Rejected {
                err,
                logs: vec!["Program log: NotOracle".into()]
            }
        );
        let e: ClientError = ErrorKind::TransactionError(TransactionError::AlreadyProcessed).into();
        assert!(matches!(
            classify(&e),
            ChainError::Rejected {
                err: TransactionError::AlreadyProcessed,
                ..
            }
        ));
    }

    #[test]
    fn node_trouble_is_transient_and_bad_requests_are_permanent() {
        for code in [
            codes::JSON_RPC_SERVER_ERROR_NODE_UNHEALTHY,
            codes::JSON_RPC_SERVER_ERROR_BLOCK_NOT_AVAILABLE,
            codes::JSON_RPC_SERVER_ERROR_MIN_CONTEXT_SLOT_NOT_REACHED,
            -32603,
        ] {
            let e = response_error(code, "node trouble", RpcResponseErrorData::Empty);
            assert!(matches!(classify(&e), ChainError::Transient(_)), "{code}");
        }
        for code in [-32600, -32601, -32602] {
            let e = response_error(code, "bad request", RpcResponseErrorData::Empty);
            assert!(matches!(classify(&e), ChainError::Permanent(_)), "{code}");
        }
        let e: ClientError = ErrorKind::Io(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset",
        ))
        .into();
        assert!(matches!(classify(&e), ChainError::Transient(_)));
        let e: ClientError = ErrorKind::Custom("unsupported".into()).into();
        assert!(matches!(classify(&e), ChainError::Permanent(_)));
    }

    #[test]
    fn rate_limits_are_recognised_by_code_and_by_message() {
        let e = response_error(429, "Too many requests", RpcResponseErrorData::Empty);
        assert!(matches!(classify(&e), ChainError::RateLimited(_)));
        let e = response_error(
            -32000,
            "Rate limit exceeded for this method",
            RpcResponseErrorData::Empty,
        );
        assert!(matches!(classify(&e), ChainError::RateLimited(_)));
        assert!(matches!(
            classify_http(429, "x".into()),
            ChainError::RateLimited(_)
        ));
        assert!(matches!(
            classify_http(503, "x".into()),
            ChainError::Transient(_)
        ));
        assert!(matches!(
            classify_http(401, "x".into()),
            ChainError::Permanent(_)
        ));
    }

    /// A real request to a port nobody listens on: a connection error,
    /// which the sender must retry.
    #[tokio::test]
    async fn an_unreachable_node_is_transient() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let chain = RpcChain::new(format!("http://{addr}"), Commitment::Confirmed);
        let err = chain.get_slot().await.expect_err("nobody listens");
        assert!(matches!(err, ChainError::Transient(_)), "{err:?}");
        // Account reads too (the RPC library's own account call reports
        // every failure as "AccountNotFound"), and so the clock.
        let err = chain
            .get_account(&CLOCK_SYSVAR)
            .await
            .expect_err("nobody listens");
        assert!(matches!(err, ChainError::Transient(_)), "{err:?}");
        let err = chain.get_clock().await.expect_err("nobody listens");
        assert!(matches!(err, ChainError::Transient(_)), "{err:?}");
    }
}
