//! Writes the import benchmark's workbook: a title row, a header and `N` (default 10,000)
//! rows of potentials with the kinds of values municipalities type: Danish numbers as
//! text, scale words, numbers as numbers, years as text and numbers, statuses in
//! varying spelling, a few CPR numbers, duplicates (also under another external id) and
//! rows without a title.
//! `cargo run --release -p gevinst-sheets --example make_bench_xlsx -- OUT.xlsx [N]`

use rust_xlsxwriter::{Format, Workbook};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "bench-10000.xlsx".to_owned());
    let n: u32 = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Potentialer")?;
    ws.write_string_with_format(0, 0, "Digitaliseringspotentialer", &bold)?;
    let headers = [
        "Titel",
        "Beskrivelse",
        "Enhed",
        "Status",
        "Forventet gevinst (kr.)",
        "Timer pr. år",
        "Årsværk",
        "Investering",
        "Drift pr. år",
        "Startår",
        "Eksternt id",
        "Bemærkninger",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    let units = [
        "Borgerservice",
        "Jobcenter",
        "Ældreområdet",
        "borgerservice ",
        "Teknik og Miljø",
    ];
    let statuses = ["Idé", "Analyse", "i drift", "Besluttet", "I-drift", "ide"];
    for i in 0..n {
        let r = i + 3;
        if i % 500 == 7 {
            ws.write_string(r, 1, "Række uden titel")?;
        } else {
            // Every 1000th row repeats the previous row's title (and its id, below);
            // another repeats the previous row's title and unit under its own id.
            let k = if i % 1000 == 999 || i % 1000 == 499 {
                i - 1
            } else {
                i
            };
            ws.write_string(r, 0, format!("Potentiale nr. {k}"))?;
        }
        let description = if i % 997 == 0 {
            format!("Sag om borger 0102{:02}-1234, se journal", i % 90 + 10)
        } else {
            format!("Automatisering af opgave {i} med mindre manuel indtastning")
        };
        ws.write_string(r, 1, description)?;
        let u = if i % 1000 == 499 { i - 1 } else { i };
        ws.write_string(r, 2, units[(u % 5) as usize])?;
        ws.write_string(r, 3, statuses[(i % 6) as usize])?;
        match i % 4 {
            0 => ws.write_string(r, 4, format!("{}.{:03},50", 100 + i % 900, i % 1000))?,
            1 => ws.write_string(r, 4, format!("{},{} mio.", 1 + i % 9, i % 10))?,
            2 => ws.write_string(r, 4, format!("{} t.kr.", 50 + i % 500))?,
            _ => ws.write_number(r, 4, f64::from(10_000 + i * 7))?,
        };
        if i % 3 == 0 {
            ws.write_string(r, 5, format!("{}.{:03}", 1 + i % 9, i % 1000))?;
        } else {
            ws.write_number(r, 5, f64::from(100 + i % 1500))?;
        }
        ws.write_number(r, 6, f64::from(i % 30) / 10.0)?;
        ws.write_string(r, 7, format!("kr. {}.000", 10 + i % 990))?;
        ws.write_number(r, 8, f64::from(1_000 + i % 5_000))?;
        if i % 2 == 0 {
            ws.write_number(r, 9, f64::from(2024 + i % 5))?;
        } else {
            ws.write_string(r, 9, format!("{}", 2024 + i % 5))?;
        }
        // The repeated rows repeat the external id too.
        let id = if i % 1000 == 999 { i - 1 } else { i };
        ws.write_string(r, 10, format!("P-{id:05}"))?;
        if i % 10 == 0 {
            ws.write_string(r, 11, "Afventer økonomi")?;
        }
    }
    wb.save(&out)?;
    println!("{out}: {n} rows");
    Ok(())
}
