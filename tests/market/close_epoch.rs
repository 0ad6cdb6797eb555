//! `close_epoch`: the rent of a settled epoch goes back to its payer.

use super::*;

#[test]
fn close_epoch_rejects_unsettled_epoch_and_other_rent_payer() {
    let mut e = env();
    let s = e.place_ok(Who::Seller, Side::Sell, 10, 1_000);
    let payer = e.ctx.payer.pubkey();
    let before = e.ctx.snapshot(&[e.epoch]);
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &payer),
        E::EpochNotSettled as u32,
    );
    e.end_epoch();
    expect_ok(e.ctx.clear(&e.epoch));
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &payer),
        E::EpochNotSettled as u32,
    );
    expect_ok(e.ctx.settle(&e.fx, &e.epoch, &[s]));
    let thief = e.ctx.new_user();
    let before_settled = e.ctx.snapshot(&[e.epoch, thief.pubkey()]);
    assert_error(
        &e.ctx.close_epoch(&e.epoch, &thief.pubkey()),
        E::NotRentPayer as u32,
    );
    e.ctx.assert_unchanged(&before_settled);
    drop(before);
    expect_ok(e.ctx.close_epoch(&e.epoch, &payer));
    assert!(!e.ctx.exists(&e.epoch));
}
