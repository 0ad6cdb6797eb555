// Joule end to end, as a dApp drives it: @coral-xyz/anchor over the
// programs' IDL (target-idl/), every instruction through
// `program.methods...`, PDAs resolved from the IDL's seeds wherever Anchor
// can. Run by `anchor test --skip-build --validator legacy` against
// solana-test-validator with the three programs preloaded at their ids (see
// Anchor.toml); the provider's wallet is the registry's upgrade authority,
// so it may initialise the registry.
//
// The suite also runs against a validator that is already initialised by
// that wallet (`anchor localnet` or scripts/localnet.sh, then
// `anchor test --skip-local-validator`): it initialises only what is
// missing, and uses a new meter, quote mint and market each run.

import * as anchor from "@coral-xyz/anchor";
import { BN, EventParser, Program } from "@coral-xyz/anchor";
import {
  Keypair,
  PublicKey,
  SystemProgram,
  SYSVAR_CLOCK_PUBKEY,
  Transaction,
  TransactionSignature,
} from "@solana/web3.js";
import {
  createAssociatedTokenAccountIdempotent,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  mintTo,
} from "@solana/spl-token";
import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import registryIdl from "../../target-idl/registry.json";
import marketIdl from "../../target-idl/market.json";
import certificatesIdl from "../../target-idl/certificates.json";
import type { JouleRegistry } from "../types/joule_registry";
import type { JouleMarket } from "../types/joule_market";
import type { JouleCertificates } from "../types/joule_certificates";

const BPF_LOADER_UPGRADEABLE = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");

// The market of this run: 10-second epochs, prices from 0.010 to 0.073
// quote per kWh in steps of 0.001 (a 6-decimal quote mint).
const EPOCH_LENGTH_SECS = 10;
const MIN_PRICE = 10_000; // quote base units per kWh
const TICK_SIZE = 1_000;
const TICK_COUNT = 64;
const ORDER_CAPACITY = 16;
const FEE_BPS = 50;
const ORDER_DEPOSIT_LAMPORTS = 2_000_000;

// What the meter reports: a baseline, then 5 kWh exported (and 0.5 kWh
// imported) four minutes later, within its 100 kW rating.
const RATED_POWER_W = 100_000;
const EXPORTED_WH = 5_000;
const SOLD_WH = 4_000;
const CERTIFIED_WH = 3_000;
const BOB_QUOTE = 1_000_000; // 1.0 quote

/** sha256("joule:meter:" + the normalised serial), as the sdk computes it. */
function meterId(serial: string): number[] {
  const normalised = serial.replace(/[\s\-./_]/g, "").toUpperCase();
  return [...createHash("sha256").update("joule:meter:" + normalised).digest()];
}

/** A fixed-size, zero-padded byte array. */
function padded(text: string, len: number): number[] {
  const bytes = Buffer.alloc(len);
  bytes.write(text);
  return [...bytes];
}

function u64le(n: number | BN): Buffer {
  return new BN(n.toString()).toArrayLike(Buffer, "le", 8);
}

/** The market's epoch account size: epoch_space(tick_count, order_capacity). */
function epochSpace(tickCount: number, orderCapacity: number): number {
  return 312 + 16 * tickCount + 64 * orderCapacity;
}

describe("joule: meter → readings → energy → one auction → settlement → certificate", () => {
  const provider = anchor.AnchorProvider.env();
  anchor.setProvider(provider);
  const connection = provider.connection;
  const wallet = provider.wallet as anchor.Wallet;
  const admin = wallet.publicKey;

  const registry = new Program<JouleRegistry>(registryIdl, provider);
  const market = new Program<JouleMarket>(marketIdl, provider);
  const certificates = new Program<JouleCertificates>(certificatesIdl, provider);

  // The localnet oracle (a public, localnet-only key), as scripts/localnet.sh sets it.
  const oracle = Keypair.fromSecretKey(
    Uint8Array.from(
      JSON.parse(readFileSync(join(__dirname, "../../keys/localnet/oracle-keypair.json"), "utf8")),
    ),
  );
  const alice = Keypair.generate(); // the prosumer: owns the meter, sells
  const bob = Keypair.generate(); // the buyer

  const pda = (seeds: (Buffer | Uint8Array)[], program: PublicKey) =>
    PublicKey.findProgramAddressSync(seeds, program)[0];
  const registryConfig = pda([Buffer.from("config")], registry.programId);
  const energyMint = pda([Buffer.from("energy_mint")], registry.programId);
  const certificatesConfig = pda([Buffer.from("config")], certificates.programId);

  const serial = `TS-${randomBytes(6).toString("hex")}`;
  const id = meterId(serial);
  const [meter, meterBump] = PublicKey.findProgramAddressSync(
    [Buffer.from("meter"), Buffer.from(id)],
    registry.programId,
  );

  let quoteMint: PublicKey;
  let marketKey: PublicKey;
  let epoch: Keypair;
  let sellId: number;
  let buyId: number;
  let certificate: PublicKey;

  /** The transaction once confirmed, with its logs and return data. */
  async function confirmed(signature: TransactionSignature) {
    for (let i = 0; i < 60; i++) {
      const tx = await connection.getTransaction(signature, {
        commitment: "confirmed",
        maxSupportedTransactionVersion: 0,
      });
      if (tx) return tx;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`transaction ${signature} was not confirmed`);
  }

  async function returnData(signature: TransactionSignature): Promise<Buffer> {
    const tx = await confirmed(signature);
    // web3.js 1.x returns it but does not type it.
    const meta = tx.meta as { returnData?: { data: [string, string] } | null } | null;
    const data = meta?.returnData?.data;
    if (!data) throw new Error(`transaction ${signature} returned no data`);
    return Buffer.from(data[0], "base64");
  }

  async function events(signature: TransactionSignature, program: Program<any>) {
    const tx = await confirmed(signature);
    const parser = new EventParser(program.programId, program.coder);
    return [...parser.parseLogs(tx.meta?.logMessages ?? [])];
  }

  /** The cluster's clock (unix seconds), from the Clock sysvar. */
  async function clusterTime(): Promise<number> {
    const info = await connection.getAccountInfo(SYSVAR_CLOCK_PUBKEY);
    return Number(info!.data.readBigInt64LE(32));
  }

  async function balance(account: PublicKey): Promise<number> {
    return Number((await getAccount(connection, account)).amount);
  }

  const ata = (owner: PublicKey, mint: PublicKey) => getAssociatedTokenAddressSync(mint, owner);

  it("the registry is upgradeable by the wallet, which initialises Joule", async () => {
    // The program's upgrade authority, from its ProgramData account.
    const programData = pda([registry.programId.toBuffer()], BPF_LOADER_UPGRADEABLE);
    const info = await connection.getAccountInfo(programData);
    expect(info, "the registry is not an upgradeable program").to.not.equal(null);
    expect(new PublicKey(info!.data.subarray(13, 45)).toBase58()).to.equal(admin.toBase58());

    if ((await registry.account.config.fetchNullable(registryConfig)) === null) {
      // config, energy_mint, program_data: resolved from the IDL.
      await registry.methods.initialize().accounts({ admin }).rpc();
    }
    if ((await certificates.account.config.fetchNullable(certificatesConfig)) === null) {
      await certificates.methods.initialize(admin).accounts({ admin }).rpc();
    }
    const before = await registry.account.config.fetch(registryConfig);
    const isOracle = before.oracles
      .slice(0, before.oracleCount)
      .some((k) => k.equals(oracle.publicKey));
    if (!isOracle) {
      await registry.methods.setOracles([oracle.publicKey], []).accounts({ admin }).rpc();
    }

    const config = await registry.account.config.fetch(registryConfig);
    expect(config.admin.toBase58()).to.equal(admin.toBase58());
    expect(config.energyMint.toBase58()).to.equal(energyMint.toBase58());
    const oracles = config.oracles.slice(0, config.oracleCount).map((k) => k.toBase58());
    expect(oracles).to.include(oracle.publicKey.toBase58());
    const certConfig = await certificates.account.config.fetch(certificatesConfig);
    expect(certConfig.authority.toBase58()).to.equal(admin.toBase58());

    // SOL for the oracle and the two traders.
    const fund = new Transaction();
    for (const who of [oracle, alice, bob]) {
      fund.add(
        SystemProgram.transfer({ fromPubkey: admin, toPubkey: who.publicKey, lamports: 2e9 }),
      );
    }
    await provider.sendAndConfirm(fund);
  });

  it("registers a meter, which the admin verifies", async () => {
    const sig = await registry.methods
      .registerMeter(id, padded("DISCOM-TS", 16), { solar: {} }, new BN(RATED_POWER_W), meterBump)
      .accounts({ owner: alice.publicKey }) // config, meter (from meter_id), system_program: resolved
      .signers([alice])
      .rpc();
    const registered = await events(sig, registry);
    expect(registered.map((e) => e.name)).to.include("meterRegistered");

    await registry.methods
      .activateMeter(alice.publicKey)
      .accountsPartial({ admin, meter }) // the meter's seeds read the meter itself
      .rpc();

    const m = await registry.account.meter.fetch(meter);
    expect(m.owner.toBase58()).to.equal(alice.publicKey.toBase58());
    expect(m.status).to.equal(1); // Active
    expect(m.meterId).to.deep.equal(id);
  });

  it("the oracle feeds the meter's readings", async () => {
    const activatedAt = (await registry.account.meter.fetch(meter)).activatedAt.toNumber();
    const submit = (timestamp: number, exportWh: number, importWh: number) =>
      registry.methods
        .submitReadings([
          {
            timestamp: new BN(timestamp),
            exportRegisterWh: new BN(exportWh),
            importRegisterWh: new BN(importWh),
          },
        ])
        .accounts({ oracle: oracle.publicKey })
        .remainingAccounts([{ pubkey: meter, isWritable: true, isSigner: false }])
        .signers([oracle])
        .rpc();

    // The first reading after activation sets the baseline; the next one
    // (dated 4 minutes later, within the 5 minutes a reading may lead the
    // cluster clock) credits the increase.
    const baseline = await submit(activatedAt + 1, 120_000, 40_000);
    const credit = await submit(activatedAt + 241, 120_000 + EXPORTED_WH, 40_500);

    // Return data: SubmitReadingsResult { applied: u16, skipped: u16, skipped_mask: Vec<u8> }.
    for (const sig of [baseline, credit]) {
      const result = registry.coder.types.decode("submitReadingsResult", await returnData(sig));
      expect(result.applied).to.equal(1);
      expect(result.skipped).to.equal(0);
    }

    const m = await registry.account.meter.fetch(meter);
    expect(m.exportedWh.toNumber()).to.equal(EXPORTED_WH);
    expect(m.importedWh.toNumber()).to.equal(500);
    expect(m.lastReadingTs.toNumber()).to.equal(activatedAt + 241);
  });

  it("mints the exported energy to the meter's owner", async () => {
    await createAssociatedTokenAccountIdempotent(connection, wallet.payer, energyMint, alice.publicKey);
    // energy_mint and owner_token (the owner's associated account, from
    // meter.owner): resolved from the IDL.
    await registry.methods.mintEnergy().accountsPartial({ meter }).rpc();

    expect(await balance(ata(alice.publicKey, energyMint))).to.equal(EXPORTED_WH);
    const m = await registry.account.meter.fetch(meter);
    expect(m.mintedWh.toNumber()).to.equal(EXPORTED_WH);
  });

  it("creates a market with 10-second epochs", async () => {
    quoteMint = await createMint(connection, wallet.payer, admin, null, 6);
    await market.methods
      .createMarket({
        epochLengthSecs: EPOCH_LENGTH_SECS,
        minPrice: new BN(MIN_PRICE),
        tickSize: new BN(TICK_SIZE),
        tickCount: TICK_COUNT,
        minLotWh: new BN(1),
        feeBps: FEE_BPS,
        orderCapacity: ORDER_CAPACITY,
        feeRecipient: admin,
        minOrderValue: new BN(10_000),
        orderDepositLamports: new BN(ORDER_DEPOSIT_LAMPORTS),
      })
      .accounts({ admin, quoteMint }) // config, market, energy_mint, both vaults: resolved
      .rpc();

    marketKey = pda([Buffer.from("market"), energyMint.toBuffer(), quoteMint.toBuffer()], market.programId);
    const m = await market.account.market.fetch(marketKey);
    expect(m.epochLengthSecs).to.equal(EPOCH_LENGTH_SECS);
    expect(m.quoteVault.toBase58()).to.equal(
      pda([Buffer.from("vault"), marketKey.toBuffer(), quoteMint.toBuffer()], market.programId).toBase58(),
    );

    // Token accounts for the trade and the fees, and quote for the buyer.
    const payer = wallet.payer;
    for (const [owner, mint] of [
      [alice.publicKey, quoteMint],
      [bob.publicKey, quoteMint],
      [bob.publicKey, energyMint],
      [admin, quoteMint],
      [admin, energyMint],
    ] as const) {
      await createAssociatedTokenAccountIdempotent(connection, payer, mint, owner);
    }
    await mintTo(connection, payer, quoteMint, ata(bob.publicKey, quoteMint), payer, BOB_QUOTE);
  });

  it("trades one epoch: opens it, places a sell and a buy, clears it after its end", async () => {
    const m = await market.account.market.fetch(marketKey);

    // The epoch account is the client's: a fresh keypair, created in the
    // same transaction for epoch_space(tick_count, order_capacity) bytes;
    // it signs open_epoch.
    epoch = Keypair.generate();
    const space = epochSpace(m.tickCount, m.orderCapacity);
    const rent = await connection.getMinimumBalanceForRentExemption(space);
    await market.methods
      .openEpoch()
      .accountsPartial({ payer: admin, market: marketKey, epoch: epoch.publicKey })
      .preInstructions([
        SystemProgram.createAccount({
          fromPubkey: admin,
          newAccountPubkey: epoch.publicKey,
          lamports: rent,
          space,
          programId: market.programId,
        }),
      ])
      .signers([epoch])
      .rpc();
    const opened = await market.account.epoch.fetch(epoch.publicKey);
    expect(opened.state).to.equal(0); // Open
    expect(opened.endTs.toNumber() - opened.startTs.toNumber()).to.equal(EPOCH_LENGTH_SECS);
    expect((await market.account.market.fetch(marketKey)).currentEpoch.toBase58()).to.equal(
      epoch.publicKey.toBase58(),
    );

    // Alice sells 4 kWh at tick 5 (0.015), Bob buys 4 kWh at tick 10 (0.020).
    const sell = await market.methods
      .placeOrder({ sell: {} }, 5, new BN(SOLD_WH), new BN(1))
      .accountsPartial({
        owner: alice.publicKey,
        market: marketKey,
        epoch: epoch.publicKey,
        ownerToken: ata(alice.publicKey, energyMint),
        vault: m.energyVault,
      })
      .signers([alice])
      .rpc();
    const buy = await market.methods
      .placeOrder({ buy: {} }, 10, new BN(SOLD_WH), new BN(2))
      .accountsPartial({
        owner: bob.publicKey,
        market: marketKey,
        epoch: epoch.publicKey,
        ownerToken: ata(bob.publicKey, quoteMint),
        vault: m.quoteVault,
      })
      .signers([bob])
      .rpc();
    // The order id is the instruction's return data (a u32).
    sellId = (await returnData(sell)).readUInt32LE(0);
    buyId = (await returnData(buy)).readUInt32LE(0);
    expect(sellId).to.not.equal(buyId);
    const placed = (await events(buy, market)).find((e) => e.name === "orderPlaced");
    expect(placed?.data.orderId).to.equal(buyId);

    // A buy escrows ceil(quantity × limit price / 1000) quote units.
    const buyLimit = MIN_PRICE + 10 * TICK_SIZE;
    expect(await balance(ata(bob.publicKey, quoteMint))).to.equal(BOB_QUOTE - (SOLD_WH * buyLimit) / 1000);
    expect(await balance(m.energyVault)).to.equal(SOLD_WH);

    // Clearing is permissionless once the cluster clock passes the end.
    while ((await clusterTime()) <= opened.endTs.toNumber()) {
      await new Promise((r) => setTimeout(r, 500));
    }
    await market.methods.clearEpoch().accounts({ epoch: epoch.publicKey }).rpc();

    const cleared = await market.account.epoch.fetch(epoch.publicKey);
    expect(cleared.state).to.equal(1); // Cleared
    expect(cleared.volumeWh.toNumber()).to.equal(SOLD_WH);
    const price = cleared.clearingPrice.toNumber();
    expect(price).to.be.within(MIN_PRICE + 5 * TICK_SIZE, buyLimit);
  });

  it("settles both orders at the clearing price, the seller paying the fee", async () => {
    const owners = (who: Keypair) => [
      { pubkey: ata(who.publicKey, energyMint), isWritable: true, isSigner: false },
      { pubkey: ata(who.publicKey, quoteMint), isWritable: true, isSigner: false },
      { pubkey: who.publicKey, isWritable: true, isSigner: false },
    ];
    const orders = [
      { id: sellId, owner: alice },
      { id: buyId, owner: bob },
    ].sort((a, b) => a.id - b.id);
    const aliceLamports = await connection.getBalance(alice.publicKey);

    // Three accounts per order (energy account, quote account, wallet);
    // the vaults and the fee recipient's accounts are resolved from the
    // market's data.
    await market.methods
      .settleOrders(orders.map((o) => o.id))
      .accountsPartial({ market: marketKey, epoch: epoch.publicKey })
      .remainingAccounts(orders.flatMap((o) => owners(o.owner)))
      .rpc();

    const settled = await market.account.epoch.fetch(epoch.publicKey);
    expect(settled.state).to.equal(2); // Settled
    const price = settled.clearingPrice.toNumber();
    const gross = (SOLD_WH * price) / 1000;
    const fee = Math.ceil((gross * FEE_BPS) / 10_000);
    expect(await balance(ata(bob.publicKey, energyMint))).to.equal(SOLD_WH);
    expect(await balance(ata(bob.publicKey, quoteMint))).to.equal(BOB_QUOTE - gross);
    expect(await balance(ata(alice.publicKey, energyMint))).to.equal(EXPORTED_WH - SOLD_WH);
    expect(await balance(ata(alice.publicKey, quoteMint))).to.equal(gross - fee);
    expect(await balance(ata(admin, quoteMint))).to.equal(fee);
    const m = await market.account.market.fetch(marketKey);
    expect(await balance(m.energyVault)).to.equal(0);
    expect(await balance(m.quoteVault)).to.equal(0);
    // The order deposit came back.
    expect(await connection.getBalance(alice.publicKey)).to.equal(aliceLamports + ORDER_DEPOSIT_LAMPORTS);

    // The settled epoch closes, its rent back to the payer.
    await market.methods.closeEpoch().accounts({ epoch: epoch.publicKey, rentPayer: admin }).rpc();
    expect(await connection.getAccountInfo(epoch.publicKey)).to.equal(null);
  });

  it("issues a certificate for the meter's energy, which its owner retires", async () => {
    // An issued certificate's address is ["certificate", id as u64 LE]
    // with bump 255: take the first id from next_certificate_id whose
    // bump-255 address is a valid PDA.
    let id = (await certificates.account.config.fetch(certificatesConfig)).nextCertificateId.toNumber();
    for (;; id++) {
      try {
        certificate = PublicKey.createProgramAddressSync(
          [Buffer.from("certificate"), u64le(id), Buffer.from([255])],
          certificates.programId,
        );
        break;
      } catch {
        // on the curve: not usable
      }
    }

    const m = await registry.account.meter.fetch(meter);
    await certificates.methods
      .issueCertificate(new BN(CERTIFIED_WH), m.activatedAt, m.lastReadingTs, new BN(id))
      // config, certificate (from id), registry_config, certifier, the
      // programs: resolved. The meter is the registry's account.
      .accountsPartial({ authority: admin, payer: admin, meter })
      .rpc();

    const issued = await certificates.account.certificate.fetch(certificate);
    expect(issued.owner.toBase58()).to.equal(alice.publicKey.toBase58());
    expect(issued.meter.toBase58()).to.equal(meter.toBase58());
    expect(issued.amountWh.toNumber()).to.equal(CERTIFIED_WH);
    expect(issued.status).to.equal(0); // Active
    expect((await registry.account.meter.fetch(meter)).certifiedWh.toNumber()).to.equal(CERTIFIED_WH);

    const sig = await certificates.methods
      .retireCertificate(alice.publicKey, "Alice's bakery", "Renewable electricity claim, first quarter")
      .accounts({ owner: alice.publicKey, certificate })
      .signers([alice])
      .rpc();
    const retired = await certificates.account.certificate.fetch(certificate);
    expect(retired.status).to.equal(1); // Retired
    expect(retired.beneficiary.toBase58()).to.equal(alice.publicKey.toBase58());
    expect(
      Buffer.from(retired.beneficiaryName.slice(0, retired.beneficiaryNameLen)).toString(),
    ).to.equal("Alice's bakery");
    expect((await events(sig, certificates)).map((e) => e.name)).to.include("certificateRetired");
  });
});
