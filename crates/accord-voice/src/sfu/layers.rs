//! Which simulcast layer a receiver gets: the one it asked for, lowered while its share of
//! the bandwidth estimate cannot carry it. Layers are ranked lowest first and priced at the
//! seed's stream tiers (480p24 0.8, 720p30 1.5, 1080p30 2.5 Mbps).

use str0m::bwe::Bitrate;
use str0m::media::Rid;

use super::Quality;

/// What each rank of layer needs, lowest first.
const PRICES_KBPS: [u64; 3] = [800, 1_500, 2_500];

/// The layer to forward among `layers` (lowest first) for a receiver wanting `quality` with
/// `budget` for this track. None when the source has no layers (forward what comes).
pub fn choose(layers: &[Rid], quality: Quality, budget: Bitrate) -> Option<Rid> {
    let top = layers.len().checked_sub(1)?;
    let wanted = match quality {
        Quality::Low => 0,
        Quality::Medium => top.min(1),
        Quality::High => top,
    };
    let affordable = (0..=wanted).rev().find(|rank| price(*rank, layers.len()) <= budget.as_u64() / 1000);
    Some(layers[affordable.unwrap_or(0)])
}

/// The price of rank `rank` among `count` layers: the top layer is priced as 1080p, the one
/// below as 720p, and so on.
fn price(rank: usize, count: usize) -> u64 {
    let from_top = count - 1 - rank;
    PRICES_KBPS[PRICES_KBPS.len() - 1 - from_top.min(PRICES_KBPS.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rids() -> Vec<Rid> {
        vec!["q".into(), "h".into(), "f".into()]
    }

    #[test]
    fn a_receiver_gets_its_quality_when_the_estimate_allows() {
        let plenty = Bitrate::kbps(10_000);
        assert_eq!(choose(&rids(), Quality::High, plenty), Some("f".into()));
        assert_eq!(choose(&rids(), Quality::Medium, plenty), Some("h".into()));
        assert_eq!(choose(&rids(), Quality::Low, plenty), Some("q".into()));
        assert_eq!(choose(&[], Quality::High, plenty), None);
    }

    #[test]
    fn a_low_estimate_lowers_the_layer_but_never_below_the_lowest() {
        assert_eq!(choose(&rids(), Quality::High, Bitrate::kbps(2_000)), Some("h".into()));
        assert_eq!(choose(&rids(), Quality::High, Bitrate::kbps(1_000)), Some("q".into()));
        assert_eq!(choose(&rids(), Quality::High, Bitrate::kbps(100)), Some("q".into()));
        let two: Vec<Rid> = vec!["l".into(), "h".into()];
        assert_eq!(choose(&two, Quality::High, Bitrate::kbps(2_000)), Some("l".into()));
        assert_eq!(choose(&two, Quality::Medium, Bitrate::kbps(3_000)), Some("h".into()));
    }
}
