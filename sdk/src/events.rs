//! Anchor events out of transaction logs (`Program data: <base64>`).

use base64::Engine;

/// Every `Program data:` payload in `logs`, decoded from base64.
pub fn program_data(logs: &[String]) -> Vec<Vec<u8>> {
    logs.iter()
        .filter_map(|l| l.strip_prefix("Program data: "))
        .filter_map(|b64| {
            // `sol_log_data` logs each field as its own base64 word.
            let mut out = Vec::new();
            for word in b64.split_whitespace() {
                out.extend(
                    base64::engine::general_purpose::STANDARD
                        .decode(word)
                        .ok()?,
                );
            }
            Some(out)
        })
        .collect()
}

/// The first event with discriminator `disc`, as its Borsh body bytes.
pub fn find(logs: &[String], disc: [u8; 8]) -> Option<Vec<u8>> {
    program_data(logs)
        .into_iter()
        .find(|d| d.len() >= 8 && d[..8] == disc)
        .map(|d| d[8..].to_vec())
}

/// Decodes a fixed-size (Pod) event body.
pub fn decode<E: joule_common::event::Event>(logs: &[String]) -> Option<E> {
    let body = find(logs, E::DISCRIMINATOR)?;
    (body.len() == std::mem::size_of::<E>()).then(|| bytemuck::pod_read_unaligned(&body))
}

/// Every fixed-size (Pod) event of type `E` in `logs`, in order.
pub fn decode_all<E: joule_common::event::Event>(logs: &[String]) -> Vec<E> {
    program_data(logs)
        .into_iter()
        .filter_map(|d| {
            let body = d.get(8..)?;
            (d.get(..8)? == E::DISCRIMINATOR && body.len() == std::mem::size_of::<E>())
                .then(|| bytemuck::pod_read_unaligned(body))
        })
        .collect()
}
