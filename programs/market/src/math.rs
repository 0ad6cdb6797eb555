//! Prices, escrow, clearing and settlement amounts.
//!
//! This is the one implementation of the market's arithmetic: the program
//! runs it on-chain and the sdk re-uses it off-chain (fee quotes, settlement
//! previews). The sdk's reference clearing is a separate, brute-force
//! implementation that the tests hold this one to.
//!
//! # Units
//!
//! Quantities are Wh (energy token base units). Prices are quote base units
//! per kWh: tick `t` costs `min_price + t × tick_size`. So the value of
//! `q` Wh at price `p` is `q × p / 1000` quote units, and every rounding of
//! value is in the market's favour:
//!
//! - a buy escrows `ceil(q × limit / 1000)` quote units, a sell its `q` Wh;
//! - every order trades whole Wh ([`fill_wh`]): in full, not at all, or, at
//!   the long side's marginal tick, its pro-rata share rounded to a whole
//!   Wh so that the shares add up to exactly the matched volume;
//! - a buyer receiving `f` Wh pays `ceil(f × p / 1000)`; a seller
//!   delivering `f` Wh is paid `floor(f × p / 1000)` less a fee of
//!   `ceil(gross × fee_bps / 10,000)`.
//!
//! So nobody pays for energy it does not receive, the buyers receive
//! exactly what the sellers deliver (the energy vault returns to zero with
//! no dust), and the quote vault keeps the fees plus
//! `Σ ceil(buyer cost) − Σ floor(seller gross) ≥ 0` (less than 1 quote unit
//! per order), which goes to the fee recipient when the epoch's last order
//! settles, leaving the epoch's share of both vaults at exactly zero.
//!
//! # Pro-rata allocation in whole Wh
//!
//! The marginal orders of the long side share `num` Wh among `den` Wh of
//! orders. Taken in ascending slot (order id) order, each receives
//! `floor((P + q) × num / den) − floor(P × num / den)` where `P` is the
//! quantity of the marginal orders before it: its exact share rounded down
//! or up, the rounding carried from one order to the next, the total
//! exactly `num`. Largest-remainder rounding would need every marginal
//! order's remainder before the first one is paid, which a permissionless
//! crank settling any subset cannot have without a pass over the whole
//! book; the carried rounding needs only the running prefix, which the
//! epoch keeps (`marginal_prefix_wh`, `marginal_cursor`), and settlement
//! refuses to skip an open marginal order. The result depends only on the
//! book, never on who cranks or in which batches.
//!
//! # Clearing
//!
//! With `D(t)` the Wh of buys whose limit is ≥ tick `t` and `S(t)` the Wh of
//! sells whose limit is ≤ `t`, tick `t` can match `V(t) = min(D(t), S(t))`.
//! The clearing tick maximises `V`; among those ticks it minimises the
//! imbalance `|D(t) − S(t)|` (the surplus left unmatched, the usual
//! call-auction rule); among those, it is the middle one, rounding down
//! (`lo + (hi − lo) / 2`), which splits the price range both sides accept.
//! `D` only falls and `S` only rises as `t` goes up, so one upward pass
//! finds the crossing, the first tick where `S ≥ D`: before it `V = S`
//! (rising), from it on `V = D` (falling), so the best volume is at the tick
//! before the crossing or at the crossing itself. Along the ticks reaching
//! that volume the imbalance only falls towards the crossing, so the ticks
//! that also have the smallest imbalance are the one or two next to the
//! crossing plus the ticks beyond them where no order sits (`D` and `S`
//! unchanged): one contiguous range, found by walking over empty ticks.
//! Cost: O(ticks), independent of the number of orders: about 20 CU per
//! tick in SBF, 21,600 CU for the whole of a 1,024-tick grid and at most
//! about 26,000 with the walks.
//!
//! The short side fills in full. The long side fills by price priority: its
//! orders strictly better than its marginal tick fill in full, those at the
//! marginal tick share what is left pro rata (`fill_num / fill_den`), worse
//! ones get nothing. With the tie-break above, the long side's marginal
//! tick is the clearing tick unless no long-side order sits at the
//! clearing tick, in which case it is the nearest tick that has some.

/// Wh per kWh: prices are per kWh, quantities in Wh.
pub const WH_PER_KWH: u64 = 1_000;
/// Fees are in basis points.
pub const BPS_DENOMINATOR: u64 = 10_000;

/// Why a computation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// A result does not fit a u64 (or an intermediate a u128).
    Overflow,
    /// The histograms disagree with the book's totals.
    Inconsistent,
}

/// The price of `tick`, quote units per kWh.
#[inline(always)]
pub fn tick_price(min_price: u64, tick_size: u64, tick: u16) -> Option<u64> {
    tick_size.checked_mul(tick as u64)?.checked_add(min_price)
}

/// `ceil` or `floor` of `num / den`, which must fit a u64. Uses 64-bit
/// division when both fit (the common case: u128 division is a library call
/// costing hundreds of compute units).
#[inline(always)]
fn div(num: u128, den: u128, round_up: bool) -> Result<u64, MathError> {
    if den == 0 {
        return Err(MathError::Inconsistent);
    }
    let (q, r) = match (u64::try_from(num), u64::try_from(den)) {
        (Ok(n), Ok(d)) => {
            let q = n.checked_div(d).ok_or(MathError::Inconsistent)?;
            let r = n.checked_rem(d).ok_or(MathError::Inconsistent)?;
            (q, r != 0)
        }
        _ => {
            let q = num.checked_div(den).ok_or(MathError::Inconsistent)?;
            let r = num.checked_rem(den).ok_or(MathError::Inconsistent)?;
            (u64::try_from(q).map_err(|_| MathError::Overflow)?, r != 0)
        }
    };
    if round_up && r {
        q.checked_add(1).ok_or(MathError::Overflow)
    } else {
        Ok(q)
    }
}

#[inline(always)]
fn mul(a: u128, b: u128) -> Result<u128, MathError> {
    a.checked_mul(b).ok_or(MathError::Overflow)
}

/// What a buy order of `quantity_wh` at `price` escrows:
/// `ceil(quantity_wh × price / 1000)` quote units.
#[inline(always)]
pub fn buy_escrow(quantity_wh: u64, price: u64) -> Result<u64, MathError> {
    div(
        mul(quantity_wh as u128, price as u128)?,
        WH_PER_KWH as u128,
        true,
    )
}

/// The outcome of clearing one epoch's book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clearing {
    pub tick: u16,
    /// Quote units per kWh.
    pub price: u64,
    /// Matched Wh (`min(D, S)` at the clearing tick).
    pub volume_wh: u64,
    /// `D` and `S` at the clearing tick.
    pub demand_wh: u64,
    pub supply_wh: u64,
    pub buy_marginal_tick: u16,
    pub buy_fill_num: u64,
    pub buy_fill_den: u64,
    pub sell_marginal_tick: u16,
    pub sell_fill_num: u64,
    pub sell_fill_den: u64,
}

/// Clears a book given its histograms (`demand[t]`, `supply[t]`: Wh of buys
/// and sells whose limit is tick `t`) and its total demand. `None` when
/// nothing crosses. See the module docs for the rule.
#[inline(always)]
pub fn clear(
    demand: &[u64],
    supply: &[u64],
    total_buy_wh: u64,
    min_price: u64,
    tick_size: u64,
) -> Result<Option<Clearing>, MathError> {
    if demand.len() != supply.len() || demand.len() > u16::MAX as usize {
        return Err(MathError::Inconsistent);
    }
    let n = demand.len();
    let inconsistent = || MathError::Inconsistent;
    let at = |bins: &[u64], t: usize| bins.get(t).copied().ok_or(MathError::Inconsistent);

    // 1. The crossing: the first tick `tc` where S(tc) ≥ D(tc).
    let mut scan = Crossing {
        d: total_buy_wh,
        s: 0,
        t: 0,
        change: 0,
    };
    find_crossing(demand, supply, &mut scan);
    if scan.d > total_buy_wh {
        return Err(inconsistent());
    }
    let tc = scan.t;
    // V rises (it is S) up to the last tick before the crossing, `a`, and
    // falls (it is D) from the crossing tick `b` on: the best volume is at
    // `a` or `b`, whichever exists and matches more.
    let side_a = match tc.checked_sub(1) {
        Some(a) => {
            let d = scan
                .d
                .checked_add(at(demand, a)?)
                .ok_or_else(inconsistent)?;
            let imbalance = d.checked_sub(scan.s).ok_or_else(inconsistent)?;
            Some(Candidate {
                tick: a,
                volume: scan.s,
                imbalance,
                d,
                s: scan.s,
            })
        }
        None => None,
    };
    let side_b = if tc < n {
        let s = scan
            .s
            .checked_add(at(supply, tc)?)
            .ok_or_else(inconsistent)?;
        let imbalance = s.checked_sub(scan.d).ok_or_else(inconsistent)?;
        Some(Candidate {
            tick: tc,
            volume: scan.d,
            imbalance,
            d: scan.d,
            s,
        })
    } else {
        None
    };
    let best_v = side_a
        .map_or(0, |x| x.volume)
        .max(side_b.map_or(0, |x| x.volume));
    if best_v == 0 {
        return Ok(None);
    }
    let side_a = side_a.filter(|x| x.volume == best_v);
    let side_b = side_b.filter(|x| x.volume == best_v);
    let best_imb = side_a
        .map_or(u64::MAX, |x| x.imbalance)
        .min(side_b.map_or(u64::MAX, |x| x.imbalance));
    let side_a = side_a.filter(|x| x.imbalance == best_imb);
    let side_b = side_b.filter(|x| x.imbalance == best_imb);

    // 2. The ticks sharing that volume and imbalance: from `a` down to the
    // last tick where D or S changed, from `b` up while they do not.
    let lo = if side_a.is_some() { scan.change } else { tc };
    let hi = match side_b {
        Some(b) => {
            let mut hi = b.tick;
            walk_up(demand, supply, &mut hi);
            hi
        }
        None => tc.checked_sub(1).ok_or_else(inconsistent)?,
    };

    // 3. The middle, rounding down; D and S there (constant on each side).
    let hi_minus_lo = hi.checked_sub(lo).ok_or_else(inconsistent)?;
    let c = lo.checked_add(hi_minus_lo / 2).ok_or_else(inconsistent)?;
    let (dc, sc) = match (side_a, side_b) {
        (Some(a), _) if c <= a.tick => (a.d, a.s),
        (_, Some(b)) => (b.d, b.s),
        _ => return Err(inconsistent()),
    };
    let volume = if dc < sc { dc } else { sc };
    if volume != best_v {
        return Err(inconsistent());
    }
    let tick = c as u16;
    let mut out = Clearing {
        tick,
        price: tick_price(min_price, tick_size, tick).ok_or(MathError::Overflow)?,
        volume_wh: volume,
        demand_wh: dc,
        supply_wh: sc,
        buy_marginal_tick: tick,
        buy_fill_num: 1,
        buy_fill_den: 1,
        sell_marginal_tick: tick,
        sell_fill_num: 1,
        sell_fill_den: 1,
    };
    if dc > volume {
        // Demand is long: the marginal buy tick is where D falls to the
        // volume, walking up from the clearing tick.
        let mut w = Marginal {
            k: c,
            total: dc,
            volume,
        };
        marginal_tick(demand, &mut w, true);
        let at_k = at(demand, w.k)?;
        let above = w.total.checked_sub(at_k).ok_or_else(inconsistent)?;
        out.buy_marginal_tick = w.k as u16;
        out.buy_fill_num = volume.checked_sub(above).ok_or_else(inconsistent)?;
        out.buy_fill_den = at_k;
    } else if sc > volume {
        // Supply is long: the marginal sell tick is where S falls to the
        // volume, walking down from the clearing tick.
        let mut w = Marginal {
            k: c,
            total: sc,
            volume,
        };
        marginal_tick(supply, &mut w, false);
        let at_k = at(supply, w.k)?;
        let below = w.total.checked_sub(at_k).ok_or_else(inconsistent)?;
        out.sell_marginal_tick = w.k as u16;
        out.sell_fill_num = volume.checked_sub(below).ok_or_else(inconsistent)?;
        out.sell_fill_den = at_k;
    }
    Ok(Some(out))
}

/// A tick next to the crossing that may hold the best volume.
#[derive(Clone, Copy)]
struct Candidate {
    tick: usize,
    volume: u64,
    imbalance: u64,
    d: u64,
    s: u64,
}

/// State of [`marginal_tick`]: from tick `k` with the long side's
/// cumulative volume `total` there (> `volume`), to the marginal tick and
/// the cumulative volume at it.
struct Marginal {
    k: usize,
    total: u64,
    volume: u64,
}

/// Walks the long side's bins from `w.k` (up for demand, down for supply)
/// while removing the tick's volume leaves more than `w.volume`: stops at
/// the tick whose orders are filled pro rata. Out of line with a tight loop,
/// like [`find_crossing`]. Stops at the grid's edge if the bins disagree
/// with the totals (the caller then finds a fill above the volume and
/// rejects it).
#[inline(never)]
fn marginal_tick(bins: &[u64], w: &mut Marginal, up: bool) {
    let (mut k, mut total) = (w.k, w.total);
    let last = bins.len().wrapping_sub(1);
    while let Some(&at_k) = bins.get(k) {
        let rest = total.wrapping_sub(at_k);
        if rest <= w.volume || rest > total || (up && k >= last) || (!up && k == 0) {
            break;
        }
        total = rest;
        k = if up {
            k.wrapping_add(1)
        } else {
            k.wrapping_sub(1)
        };
    }
    (w.k, w.total) = (k, total);
}

/// State of [`find_crossing`]: on entry `d` holds the total demand; on
/// return `t` is the first tick where S ≥ D (the tick count if none), `d` =
/// D(t), `s` = S(t − 1) (0 if `t` = 0), and `change` the last tick before
/// `t` where D or S differs from the tick below (0 if none).
struct Crossing {
    d: u64,
    s: u64,
    t: usize,
    change: usize,
}

/// The one upward pass of [`clear`]: `d` = D(t), buys with limit ≥ t,
/// starts at the total demand and loses each tick's buys on the way up; `s`
/// = S(t) gains each tick's sells; the pass stops at the first tick where
/// S ≥ D. About 20 CU per tick in SBF.
///
/// Kept out of line with plain indexes so the loop keeps its state in
/// registers; five register arguments and no returned struct, because SBF
/// passes nothing on the stack between frames.
///
/// Wrapping arithmetic here is proven safe instead of checked: every bin is
/// at most its side's total, which `place_order` caps at 2^40 Wh, so over at
/// most 65,535 ticks `s` stays below 2^56; and `d` only drops below zero
/// (wraps) if the histograms disagree with the total demand, which the
/// caller detects (a wrapped `d` stays above 2^63, above any total).
#[inline(never)]
fn find_crossing(demand: &[u64], supply: &[u64], r: &mut Crossing) {
    let (mut d, mut s) = (r.d, 0u64);
    // The buys at the tick below (they leave D at this tick).
    let mut below = 0u64;
    let mut change = 0usize;
    let n = if demand.len() < supply.len() {
        demand.len()
    } else {
        supply.len()
    };
    let (demand, supply) = (&demand[..n], &supply[..n]);
    let mut t = 0usize;
    while t < n {
        let sup = supply[t];
        let s_t = s.wrapping_add(sup);
        if s_t >= d {
            break;
        }
        if below | sup != 0 {
            change = t;
        }
        s = s_t;
        below = demand[t];
        d = d.wrapping_sub(below);
        t = t.wrapping_add(1);
    }
    (r.d, r.s, r.t, r.change) = (d, s, t, change);
}

/// The last tick from `t` up with the same D and S as `t`: no buy at or
/// above `t`, no sell above it, up to the tick returned.
#[inline(never)]
fn walk_up(demand: &[u64], supply: &[u64], t: &mut usize) {
    let start = *t;
    let dem = demand.get(start..).unwrap_or_default();
    let sup = supply.get(start.wrapping_add(1)..).unwrap_or_default();
    let steps = dem
        .iter()
        .zip(sup.iter())
        .position(|(&d, &s)| d | s != 0)
        .unwrap_or(sup.len());
    *t = start.wrapping_add(steps);
}

/// An order's fill as the exact fraction `num / den` of its quantity
/// (`(0, 1)`: none; `(1, 1)`: all).
#[inline(always)]
pub fn fill_ratio(clearing: &Clearing, is_buy: bool, limit_tick: u16) -> (u64, u64) {
    if clearing.volume_wh == 0 {
        return (0, 1);
    }
    if is_buy {
        if limit_tick > clearing.buy_marginal_tick {
            (1, 1)
        } else if limit_tick == clearing.buy_marginal_tick {
            (clearing.buy_fill_num, clearing.buy_fill_den)
        } else {
            (0, 1)
        }
    } else if limit_tick < clearing.sell_marginal_tick {
        (1, 1)
    } else if limit_tick == clearing.sell_marginal_tick {
        (clearing.sell_fill_num, clearing.sell_fill_den)
    } else {
        (0, 1)
    }
}

/// Whether orders of this side at `limit_tick` share a pro-rata fill
/// (`0 < num < den`): they are the long side's marginal orders, which
/// receive whole Wh by [`fill_wh`]'s cumulative rounding and must be
/// settled in ascending slot order.
#[inline(always)]
pub fn is_pro_rata(clearing: &Clearing, is_buy: bool, limit_tick: u16) -> bool {
    let (num, den) = fill_ratio(clearing, is_buy, limit_tick);
    num != 0 && num < den
}

/// Whole Wh an order fills. Orders better than the marginal tick fill in
/// full, worse ones not at all. The marginal orders of the long side share
/// `num` Wh among `den` Wh of orders: taken in ascending slot order, with
/// `prefix_wh` the quantity of the marginal orders before this one, an
/// order of `q` Wh fills
///
/// `floor((prefix + q) × num / den) − floor(prefix × num / den)`,
///
/// which is its exact share `q × num / den` rounded down or up, and which
/// adds up over all of them to exactly `num`: the matched volume is
/// delivered in whole Wh and nobody is charged for a fraction.
#[inline(always)]
pub fn fill_wh(
    clearing: &Clearing,
    is_buy: bool,
    limit_tick: u16,
    quantity_wh: u64,
    prefix_wh: u64,
) -> Result<u64, MathError> {
    let (num, den) = fill_ratio(clearing, is_buy, limit_tick);
    if num == 0 {
        return Ok(0);
    }
    if num > den {
        return Err(MathError::Inconsistent);
    }
    if num == den {
        return Ok(quantity_wh);
    }
    let end = prefix_wh
        .checked_add(quantity_wh)
        .ok_or(MathError::Overflow)?;
    if end > den {
        return Err(MathError::Inconsistent);
    }
    let hi = div(mul(end as u128, num as u128)?, den as u128, false)?;
    let lo = div(mul(prefix_wh as u128, num as u128)?, den as u128, false)?;
    hi.checked_sub(lo).ok_or(MathError::Inconsistent)
}

/// What settling one order moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    /// Wh traded, whole ([`fill_wh`]).
    pub filled_wh: u64,
    /// Quote value of the fill: a buyer pays `ceil(filled × price / 1000)`;
    /// a seller's gross proceeds are `floor(filled × price / 1000)`.
    pub quote_amount: u64,
    /// Seller fee, `ceil(gross × fee_bps / 10,000)` (0 for buyers).
    pub fee: u64,
    /// Wh paid to the owner's energy account: the buyer's fill, or the
    /// seller's unfilled escrow.
    pub energy_out_wh: u64,
    /// Quote units paid to the owner's quote account: the buyer's unused
    /// escrow, or the seller's proceeds net of the fee.
    pub quote_out: u64,
}

/// The settlement of an order (`escrow` as recorded when it was placed;
/// `prefix_wh` as in [`fill_wh`], ignored unless the order is pro rata).
#[inline(always)]
pub fn settle(
    clearing: &Clearing,
    fee_bps: u16,
    is_buy: bool,
    limit_tick: u16,
    quantity_wh: u64,
    escrow: u64,
    prefix_wh: u64,
) -> Result<Settlement, MathError> {
    let filled = fill_wh(clearing, is_buy, limit_tick, quantity_wh, prefix_wh)?;
    if filled == 0 {
        // Nothing filled: everything escrowed goes back.
        return Ok(if is_buy {
            Settlement {
                quote_out: escrow,
                ..Settlement::default()
            }
        } else {
            Settlement {
                energy_out_wh: escrow,
                ..Settlement::default()
            }
        });
    }
    // Everyone pays or is paid for exactly the Wh it trades.
    let value_num = mul(filled as u128, clearing.price as u128)?;
    if is_buy {
        let cost = div(value_num, WH_PER_KWH as u128, true)?;
        let refund = escrow.checked_sub(cost).ok_or(MathError::Inconsistent)?;
        Ok(Settlement {
            filled_wh: filled,
            quote_amount: cost,
            fee: 0,
            energy_out_wh: filled,
            quote_out: refund,
        })
    } else {
        let gross = div(value_num, WH_PER_KWH as u128, false)?;
        let fee = div(
            mul(gross as u128, fee_bps as u128)?,
            BPS_DENOMINATOR as u128,
            true,
        )?;
        let net = gross.checked_sub(fee).ok_or(MathError::Inconsistent)?;
        let unfilled = quantity_wh
            .checked_sub(filled)
            .ok_or(MathError::Inconsistent)?;
        Ok(Settlement {
            filled_wh: filled,
            quote_amount: gross,
            fee,
            energy_out_wh: unfilled,
            quote_out: net,
        })
    }
}
