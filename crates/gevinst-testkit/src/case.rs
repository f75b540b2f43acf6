//! A sample business case.

use gevinst_domain::business_case::{
    BusinessCase, Channel, InvisibleCategory, Line, LineKind, Risk,
};

use crate::dec;

/// A business case (2025, three years, 3.5 %) with every kind of line, awkward decimals
/// (`1924.5`, `192.40`, `9999999999999.99`) and a risk with Danish letters.
pub fn sample_business_case() -> BusinessCase {
    let mut hours = Line::certain(
        LineKind::FrigjorteTimer,
        "Frigjort sagsbehandling",
        vec![dec("0"), dec("1924.5"), dec("0.1")],
    );
    hours.low = dec("0.7");
    hours.high = dec("1.25");
    hours.hjemtagbar = true;
    let mut shift = Line::certain(
        LineKind::Kanalomlaegning,
        "Fra telefon til selvbetjening",
        vec![dec("100"), dec("2000"), dec("3000")],
    );
    shift.from_channel = Some(Channel::Telephone);
    shift.to_channel = Some(Channel::Digital);
    let mut invisible = Line::certain(
        LineKind::UsynligtArbejde,
        "Fejlretning i robotten",
        vec![dec("0"), dec("192.40"), dec("192.4")],
    );
    invisible.category = Some(InvisibleCategory::Kompensation);
    BusinessCase {
        start_year: 2025,
        horizon: 3,
        discount_rate: Some(dec("0.035")),
        lines: vec![
            Line::certain(
                LineKind::Investering,
                "Udvikling",
                vec![dec("1234567.89"), dec("0"), dec("0")],
            ),
            Line::certain(
                LineKind::Drift,
                "Licens",
                vec![dec("0"), dec("40000.10"), dec("40000.1")],
            ),
            hours,
            Line::certain(
                LineKind::FrigjorteAarsvaerk,
                "Tid til kvalitet",
                vec![dec("0"), dec("0.5"), dec("2.25")],
            ),
            Line::certain(
                LineKind::DirekteBesparelse,
                "Porto",
                vec![dec("0.01"), dec("60000"), dec("9999999999999.99")],
            ),
            shift,
            invisible,
        ],
        risks: vec![Risk {
            description: "Forsinket integration – æøå".into(),
            probability: dec("0.1"),
            min: dec("10000"),
            likely: dec("40000.5"),
            max: dec("100000"),
            year: 1,
        }],
    }
}
