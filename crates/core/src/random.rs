//! A seeded random number generator (SplitMix64) for simulations and test fixtures: small, fast, and the same
//! sequence on every machine, so a simulation's table or a generated model is reproducible from its seed.

/// SplitMix64, seeded with its state.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [`low`, `high`).
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in 0..`n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// Standard normal, by Box–Muller.
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson with the given mean, by Knuth's method (fine for the small means simulations use); 0 for a mean
    /// that is not a positive number.
    pub fn poisson(&mut self, mean: f64) -> u32 {
        if !mean.is_finite() || mean <= 0.0 {
            return 0;
        }
        let limit = (-mean).exp();
        let (mut k, mut p) = (0u32, self.unit());
        while p > limit {
            k += 1;
            p *= self.unit();
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix;

    #[test]
    fn the_same_seed_gives_the_same_sequence_and_another_seed_another() {
        let take = |seed| {
            let mut rng = SplitMix(seed);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(take(7), take(7));
        assert_ne!(take(7), take(8));
    }

    #[test]
    fn the_first_output_of_seed_zero_is_splitmix64s_published_value() {
        // The reference implementation (Vigna, prng.di.unimi.it/splitmix64.c) seeded with 0.
        assert_eq!(SplitMix(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn uniform_draws_stay_in_their_range_and_average_near_the_middle() {
        let mut rng = SplitMix(1);
        let draws: Vec<f64> = (0..10_000).map(|_| rng.range(2.0, 4.0)).collect();
        assert!(draws.iter().all(|d| (2.0..4.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 3.0).abs() < 0.05, "{mean}");
        assert!((0..1000).all(|_| rng.below(5) < 5));
    }

    #[test]
    fn normal_and_poisson_draws_have_the_mean_and_spread_asked_for() {
        let mut rng = SplitMix(2);
        let n = 20_000;
        let normals: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = normals.iter().sum::<f64>() / n as f64;
        let variance = normals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.03 && (variance - 1.0).abs() < 0.05,
            "{mean} {variance}"
        );
        let poissons = (0..n).map(|_| f64::from(rng.poisson(2.5))).sum::<f64>() / n as f64;
        assert!((poissons - 2.5).abs() < 0.05, "{poissons}");
        assert_eq!(
            rng.poisson(0.0) + rng.poisson(f64::NAN) + rng.poisson(-1.0),
            0
        );
    }
}
