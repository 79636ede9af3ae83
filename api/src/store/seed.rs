//! The data a new database starts with: `sales`, `cost` and `revenue` for each
//! month of the last two full years, with a seasonal shape and slow growth.

use std::f64::consts::PI;
use std::ops::RangeInclusive;

pub(crate) struct SeedRecord {
    pub kpi: &'static str,
    pub period: String,
    pub value: f64,
}

/// Deterministic values, so a chart of seeded data always looks the same.
pub(crate) fn records(years: RangeInclusive<i32>) -> Vec<SeedRecord> {
    let first_year = *years.start();
    let mut records = Vec::new();
    for year in years {
        for month in 1..=12u32 {
            let months_in = f64::from((year - first_year) * 12) + f64::from(month);
            let season = (2.0 * PI * f64::from(month - 1) / 12.0).sin();
            // A little month-to-month noise that is the same on every run.
            let jitter = f64::from((month * 37 + year.unsigned_abs() * 11) % 17) - 8.0;
            let sales = (1200.0 + 18.0 * months_in + 240.0 * season + 9.0 * jitter).round();
            let revenue = (sales * 48.5).round();
            let cost = (revenue * (0.62 - 0.002 * jitter)).round();
            let period = format!("{year:04}{month:02}");
            records.extend(
                [("sales", sales), ("revenue", revenue), ("cost", cost)].map(|(kpi, value)| {
                    SeedRecord {
                        kpi,
                        period: period.clone(),
                        value,
                    }
                }),
            );
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_years_give_three_kpis_for_each_of_24_months() {
        let records = records(2024..=2025);
        assert_eq!(records.len(), 72);
        assert_eq!(records[0].period, "202401");
        assert_eq!(records[71].period, "202512");
        for kpi in ["sales", "cost", "revenue"] {
            assert_eq!(records.iter().filter(|r| r.kpi == kpi).count(), 24);
        }
        assert!(records.iter().all(|r| r.value.is_finite() && r.value > 0.0));
    }

    #[test]
    fn cost_stays_below_revenue() {
        let records = records(2024..=2025);
        for pair in records.chunks(3) {
            let (revenue, cost) = (pair[1].value, pair[2].value);
            assert!(cost < revenue, "{} {cost} >= {revenue}", pair[0].period);
        }
    }
}
