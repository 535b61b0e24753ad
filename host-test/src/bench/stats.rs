//! The statistics the bench reports: median, 99th percentile, ratios.

/// Latency samples of one contender and operation, summarised (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// How many samples.
    pub n: usize,
    /// The median (the mean of the two middle samples when `n` is even).
    pub median: f64,
    /// The 99th percentile, nearest rank: the smallest sample at or above
    /// 99 % of the samples.
    pub p99: f64,
}

/// Summarise `samples`; `None` when there are none.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    // Nearest rank: ceil(0.99 n), 1-based.
    let rank = (n * 99).div_ceil(100).max(1);
    Some(Summary {
        n,
        median,
        p99: sorted[rank - 1],
    })
}

/// Each value divided by the smallest present one (1.0 for the fastest).
pub fn ratios_to_fastest(values: &[Option<f64>]) -> Vec<Option<f64>> {
    let fastest = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v > 0.0)
        .min_by(f64::total_cmp);
    values
        .iter()
        .map(|v| Some(v.as_ref()? / fastest?))
        .collect()
}

/// Calls per second: `calls` finished in `seconds`.
pub fn rate(calls: usize, seconds: f64) -> f64 {
    if seconds <= 0.0 {
        0.0
    } else {
        calls as f64 / seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(summarize(&[3.0, 1.0, 2.0]).unwrap().median, 2.0);
        assert_eq!(summarize(&[4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.5);
        assert_eq!(summarize(&[7.0]).unwrap().median, 7.0);
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn p99_is_the_nearest_rank() {
        // 1..=200: rank ceil(198) = 198.
        let samples: Vec<f64> = (1..=200).rev().map(f64::from).collect();
        let s = summarize(&samples).unwrap();
        assert_eq!(s.n, 200);
        assert_eq!(s.p99, 198.0);
        assert_eq!(s.median, 100.5);
        // 10 samples: rank ceil(9.9) = 10, the largest.
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 50.0]).unwrap();
        assert_eq!(s.p99, 50.0);
        // One sample is its own p99.
        assert_eq!(summarize(&[0.5]).unwrap().p99, 0.5);
    }

    #[test]
    fn ratios_are_to_the_fastest_present_value() {
        let r = ratios_to_fastest(&[Some(2.0), None, Some(1.0), Some(5.0)]);
        assert_eq!(r, vec![Some(2.0), None, Some(1.0), Some(5.0)]);
        let r = ratios_to_fastest(&[Some(4.0), Some(8.0)]);
        assert_eq!(r, vec![Some(1.0), Some(2.0)]);
        assert_eq!(ratios_to_fastest(&[None, None]), vec![None, None]);
    }

    #[test]
    fn rate_is_calls_over_seconds() {
        assert_eq!(rate(300, 1.5), 200.0);
        assert_eq!(rate(10, 0.0), 0.0);
    }
}
