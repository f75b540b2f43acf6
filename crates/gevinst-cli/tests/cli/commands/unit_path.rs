//! `gevinst import --create-missing` on a generated workbook with two organisation levels
//! (forvaltning and enhed) and near-copies of existing units and catalogue values: the
//! units come in by path, missing ones are created under their parent, and near-copies
//! map to what exists and are reported, never created.

use super::*;
use rust_xlsxwriter::{Format, Workbook};

/// A workbook as municipalities write them: a merged title above the header, and rows
/// of texts.
fn workbook(path: &std::path::Path, rows: &[[&str; 5]]) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 0, 0, 4, "Potentialer 2026", &Format::new().set_bold())
        .unwrap();
    let header = ["Titel", "Forvaltning", "Enhed", "Teknologi", "Fagområde"];
    for (r, cells) in std::iter::once(&header).chain(rows).enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                let (r, c) = (u32::try_from(r).unwrap() + 2, u16::try_from(c).unwrap());
                sheet.write_string(r, c, *text).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn create_missing_reads_the_unit_path_and_makes_no_near_copies() {
    let db = Db::temp();
    db.ok(&["tenant", "add", "--slug", "sti", "--name", "Sti Kommune"]);
    let dir = tempfile::tempdir().unwrap();

    // The first list builds the organisation: each enhed under its forvaltning.
    let first = dir.path().join("foerste.xlsx");
    workbook(
        &first,
        &[
            [
                "Skolerobot",
                "Børn og Unge",
                "Skoler",
                "RPA/softwarerobot",
                "",
            ],
            [
                "Pleje-app",
                "Social, Sundhed og Ældre",
                "Sygepleje og Rehabilitering",
                "",
                "",
            ],
            ["Sundhedsbot", "Børn og Unge", "Sundhedsplejen", "", ""],
        ],
    );
    let import = |file: &std::path::Path| {
        db.ok(&[
            "import",
            "--tenant",
            "sti",
            "--create-missing",
            file.to_str().unwrap(),
        ])
    };
    let out = import(&first);
    for line in [
        "Opretter enhed: Børn og Unge\n",
        "Opretter enhed: Børn og Unge › Skoler\n",
        "Opretter enhed: Social, Sundhed og Ældre › Sygepleje og Rehabilitering\n",
        "Importeret: 3 nye",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }

    // The second list writes the same units and catalogue values as people do.
    let second = dir.path().join("anden.xlsx");
    workbook(
        &second,
        &[
            [
                "Chatbot til skolerne",
                "Børn og Unge",
                "Skoleafdelingen",
                "Chatbot",
                "Administration",
            ],
            [
                "Sensorer i plejen",
                "Social, Sundhed og Ældre",
                "Sygeplejen",
                "IoT",
                "Tværgående",
            ],
            ["Robot til løn", "Børn og Unge", "Skoler", "RPA", ""],
            [
                "Droner over parker",
                "Teknik og Miljø",
                "Vej og Park",
                "Droner",
                "",
            ],
            ["Skolesundhed-app", "Børn og Unge", "Skolesundhed", "", ""],
        ],
    );
    let out = import(&second);
    for line in [
        "Nye: 5, opdateringer: 0, dubletter: 0, fejl: 0",
        "Ukendt enhed «Børn og Unge › Skoleafdelingen» (række 4): Læses som «Børn og Unge › Skoler»\n",
        "Ukendt enhed «Social, Sundhed og Ældre › Sygeplejen» (række 5): Læses som «Social, Sundhed og Ældre › Sygepleje og Rehabilitering»\n",
        "Ukendt teknologi «Chatbot» (række 4): Læses som «Chatbot/AI-assistent»\n",
        "Ukendt teknologi «IoT» (række 5): Læses som «Sensorer/IoT»\n",
        "Ukendt teknologi «RPA» (række 6): Læses som «RPA/softwarerobot»\n",
        "Ukendt fagområde «Administration» (række 4): Læses som «Administration/tværgående»\n",
        "Ukendt fagområde «Tværgående» (række 5): Læses som «Administration/tværgående»\n",
        "Opretter enhed: Teknik og Miljø\n",
        "Opretter enhed: Teknik og Miljø › Vej og Park\n",
        "Opretter enhed: Børn og Unge › Skolesundhed\n",
        "Opretter teknologi: Droner\n",
        "Importeret: 5 nye",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    for copy in [
        "Chatbot\n",
        "RPA\n",
        "IoT\n",
        "Administration\n",
        "Tværgående\n",
    ] {
        assert!(
            !out.contains(&format!(": {copy}")),
            "{copy:?} created: {out}"
        );
    }

    // The tree: new units under their parents, and no near-copies.
    let units = db.ok(&["unit", "list", "--tenant", "sti"]);
    let names: Vec<&str> = units
        .lines()
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(_, rest)| rest.trim_start_matches(' '))
        })
        .collect();
    let indented: Vec<String> = units
        .lines()
        .filter_map(|l| l.get(7..).map(str::to_owned))
        .collect();
    assert_eq!(
        indented,
        vec![
            "Børn og Unge",
            "  Skoler",
            "  Skolesundhed",
            "  Sundhedsplejen",
            "Social, Sundhed og Ældre",
            "  Sygepleje og Rehabilitering",
            "Teknik og Miljø",
            "  Vej og Park",
        ],
        "{units}"
    );
    assert!(!names.contains(&"Skoleafdelingen") && !names.contains(&"Sygeplejen"));
}
