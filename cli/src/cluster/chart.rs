//! `epoch show`'s text chart: the demand and supply curves of a book and
//! its clearing point, price down the side, energy across.

use joule_sdk::amount::format_kwh;

/// Cumulative demand (Wh bid at or above each tick) and supply (Wh offered
/// at or below each tick) from per-tick histograms.
pub fn curves(demand: &[u64], supply: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let n = demand.len().min(supply.len());
    let mut d = vec![0u64; n];
    let mut acc = 0u64;
    for t in (0..n).rev() {
        acc = acc.saturating_add(demand[t]);
        d[t] = acc;
    }
    let mut s = vec![0u64; n];
    acc = 0;
    for (t, slot) in s.iter_mut().enumerate() {
        acc = acc.saturating_add(supply[t]);
        *slot = acc;
    }
    (d, s)
}

/// Draws the curves over the ticks that carry orders (at most `rows`
/// price levels, evenly picked, always including the clearing tick).
/// `price` formats a tick's price; `clearing` is (tick, volume Wh).
pub fn draw(
    demand: &[u64],
    supply: &[u64],
    price: &dyn Fn(u16) -> String,
    clearing: Option<(u16, u64)>,
    rows: usize,
) -> String {
    const WIDTH: usize = 48;
    let (d, s) = curves(demand, supply);
    let active: Vec<usize> = (0..d.len())
        .filter(|&t| demand.get(t).is_some_and(|v| *v > 0) || supply.get(t).is_some_and(|v| *v > 0))
        .collect();
    let (Some(&lo), Some(&hi)) = (active.first(), active.last()) else {
        return "  (empty book: no orders)\n".to_string();
    };
    let span = hi - lo;
    let rows = rows.max(2);
    let mut ticks: Vec<usize> = if span < rows {
        (lo..=hi).collect()
    } else {
        (0..rows).map(|i| lo + span * i / (rows - 1)).collect()
    };
    if let Some((ct, _)) = clearing {
        let ct = usize::from(ct);
        if (lo..=hi).contains(&ct) && !ticks.contains(&ct) {
            ticks.push(ct);
        }
    }
    ticks.sort_unstable();
    ticks.dedup();
    let max = ticks
        .iter()
        .map(|&t| d[t].max(s[t]))
        .max()
        .unwrap_or(0)
        .max(1);
    let pos = |wh: u64| -> usize {
        usize::try_from(u128::from(wh) * (WIDTH as u128) / u128::from(max)).unwrap_or(WIDTH)
    };
    let labels: Vec<String> = ticks
        .iter()
        .map(|&t| price(u16::try_from(t).unwrap_or(u16::MAX)))
        .collect();
    let lw = labels.iter().map(|l| l.len()).max().unwrap_or(0);
    let mut out = format!(
        "  {:>lw$} |  D demand (bids at or above)  S supply (offers at or below)\n",
        "price"
    );
    for (&t, label) in ticks.iter().zip(&labels).rev() {
        let mut line = vec![' '; WIDTH + 1];
        let (dp, sp) = (pos(d[t]), pos(s[t]));
        line[dp] = 'D';
        line[sp] = if sp == dp { 'X' } else { 'S' };
        let mut note = String::new();
        if let Some((ct, volume)) = clearing {
            if usize::from(ct) == t {
                let vp = pos(volume);
                if line[vp] == ' ' {
                    line[vp] = '*';
                }
                note = format!("  <- clears here: {} kWh", format_kwh(volume));
            }
        }
        let body: String = line.into_iter().collect();
        out.push_str(&format!("  {label:>lw$} |{}{note}\n", body.trim_end()));
    }
    out.push_str(&format!(
        "  {:>lw$} +{}\n  {:>lw$}  0{:>w$} kWh\n",
        "",
        "-".repeat(WIDTH + 1),
        "",
        format_kwh(max),
        w = WIDTH
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_accumulate_from_the_right_ends() {
        let (d, s) = curves(&[1, 0, 2], &[0, 3, 1]);
        assert_eq!(d, vec![3, 2, 2]);
        assert_eq!(s, vec![0, 3, 4]);
    }

    #[test]
    fn draws_both_curves_and_the_clearing_row() {
        let chart = draw(
            &[0, 5_000, 5_000],
            &[4_000, 4_000, 0],
            &|t| format!("{t}"),
            Some((1, 8_000)),
            10,
        );
        assert!(chart.contains("<- clears here: 8.000 kWh"), "{chart}");
        assert_eq!(
            chart
                .lines()
                .filter(|l| l.contains('D') || l.contains('X'))
                .count(),
            4
        );
        assert!(draw(&[0], &[0], &|t| format!("{t}"), None, 10).contains("empty book"));
    }
}
