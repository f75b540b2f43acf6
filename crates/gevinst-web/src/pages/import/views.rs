//! The import's pages: what each template shows, prepared as plain text.

use super::{kind_key, target_key, EXTENSIONS};
use crate::pages::layout::Layout;
use crate::session::PageUser;
use askama::Template;
use gevinst_app::import::uploads::Upload;
use gevinst_app::import::StoredImportMapping;
use gevinst_app::import::{
    column_letters, suggested_choice, unit_levels, Field, Format, Mapping, Target, TextEncoding,
};
use gevinst_app::import::{
    CommitOutcome, ImportChoices, ImportPreview, Inspection, PreviewCounts, RowAction, ValueChoice,
    ValueKind,
};
use gevinst_app::potentials::TenantLists;
use gevinst_domain::Status;

/// One `<option>`.
#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        let selected = value == current;
        Opt {
            value,
            label: label.into(),
            selected,
        }
    }
}

/// A link in an error summary.
#[derive(Debug, Clone)]
pub(crate) struct ErrorLink {
    pub target: String,
    pub message: String,
}

/// The steps, for the step list at the top of each page.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub label: &'static str,
    pub current: bool,
}

fn steps(current: usize) -> Vec<Step> {
    ["Upload", "Kolonner", "Værdier", "Forhåndsvisning", "Import"]
        .into_iter()
        .enumerate()
        .map(|(i, label)| Step {
            label,
            current: i + 1 == current,
        })
        .collect()
}

// ------------------------------------------------------------------ upload

/// `import_upload.html`.
#[derive(Template)]
#[template(path = "import_upload.html")]
pub(crate) struct UploadPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub error: Option<String>,
    pub max_mb: usize,
    pub accept: String,
}

pub(super) fn render_upload(
    who: &PageUser,
    state: &crate::AppState,
    error: Option<String>,
    status: axum::http::StatusCode,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let page = UploadPage {
        layout: Layout::new(who, "Importér potentialer", "import"),
        steps: steps(1),
        error,
        max_mb: state.settings.max_import_bytes / (1024 * 1024),
        accept: format!(
            "{},application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet,text/csv",
            EXTENSIONS.join(",")
        ),
    };
    (status, crate::render::Page(page)).into_response()
}

// ------------------------------------------------------------------ mapping

/// One column of the mapping form.
#[derive(Debug, Clone)]
pub(crate) struct ColumnView {
    pub index: usize,
    pub letter: String,
    pub header: String,
    pub examples: String,
    pub options: Vec<Opt>,
    pub error: Option<String>,
}

/// `import_mapping.html`.
#[derive(Template)]
#[template(path = "import_mapping.html")]
pub(crate) struct MappingPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub id: String,
    pub filename: String,
    pub format: String,
    pub sheets: Vec<Opt>,
    pub header_rows: String,
    pub data_rows: usize,
    pub gevinst_export: bool,
    pub columns: Vec<ColumnView>,
    /// The unit path the organisation columns make ("Forvaltning › Afdeling › Enhed"),
    /// when more than one is mapped.
    pub unit_path: Option<String>,
    pub saved: Vec<Opt>,
    pub save_name: String,
    pub save_error: Option<String>,
    pub sheet_error: Option<String>,
    pub summary: Vec<ErrorLink>,
    pub message: Option<String>,
}

fn format_label(i: &Inspection) -> String {
    match i.format {
        Format::Xlsx => "Excel-projektmappe (.xlsx)".to_owned(),
        Format::Xls => "Excel 97–2003-projektmappe (.xls)".to_owned(),
        Format::Ods => "OpenDocument-regneark (.ods)".to_owned(),
        Format::Csv => {
            let enc = i.encoding.map_or("ukendt tegnsæt", TextEncoding::label);
            let sep = match i.delimiter {
                Some(';') => "semikolon",
                Some(',') => "komma",
                Some('\t') => "tabulator",
                _ => "ukendt skilletegn",
            };
            format!("CSV ({enc}, {sep})")
        }
    }
}

fn target_options(current: Target) -> Vec<Opt> {
    let cur = target_key(current);
    let mut out: Vec<Opt> = Vec::new();
    for f in Field::ALL {
        out.push(Opt::new(target_key(Target::Field(f)), f.label(), &cur));
        // The levels of a unit path sit beside the unit itself.
        if f == Field::Unit {
            out.extend((1..=unit_levels::MAX_LEVEL).map(|l| {
                let t = Target::UnitLevel(l);
                Opt::new(target_key(t), unit_levels::level_label(l), &cur)
            }));
        }
    }
    out.push(Opt::new(target_key(Target::Tag), "Behold som mærke", &cur));
    out.push(Opt::new(
        target_key(Target::Note),
        "Tilføj til beskrivelse",
        &cur,
    ));
    out.push(Opt::new(target_key(Target::Ignore), "Ignorér", &cur));
    out
}

impl MappingPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        who: &PageUser,
        id: &str,
        i: &Inspection,
        mapping: &Mapping,
        saved: &[StoredImportMapping],
        save_name: String,
        errors: Vec<(String, String)>,
        message: Option<String>,
    ) -> Self {
        let sheets = i
            .sheets
            .iter()
            .map(|s| {
                let label = if s.hidden {
                    format!("{} (skjult ark)", s.name)
                } else {
                    s.name.clone()
                };
                Opt::new(s.name.clone(), label, &i.sheet)
            })
            .collect();
        let columns = i
            .header
            .columns
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let target = mapping
                    .columns
                    .get(n)
                    .map(|m| m.target)
                    .unwrap_or(Target::Ignore);
                let examples: Vec<String> = i
                    .sample
                    .iter()
                    .filter_map(|r| r.get(n))
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .take(3)
                    .map(|s| {
                        // The file's own text, but never a CPR number.
                        let s = gevinst_domain::cpr::mask_cpr(s);
                        let short: String = s.chars().take(40).collect();
                        if short.len() < s.len() {
                            format!("{short}…")
                        } else {
                            short
                        }
                    })
                    .collect();
                let name = format!("kolonne_{n}");
                ColumnView {
                    index: n,
                    letter: column_letters(c.index),
                    header: if c.has_header {
                        c.name.clone()
                    } else {
                        "(uden overskrift)".to_owned()
                    },
                    examples: examples.join(" · "),
                    options: target_options(target),
                    error: errors
                        .iter()
                        .find(|(f, _)| *f == name)
                        .map(|(_, m)| m.clone()),
                }
            })
            .collect();
        let header_rows = i
            .header
            .rows
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(" og ");
        MappingPage {
            layout: Layout::new(who, "Importér: kolonner", "import"),
            steps: steps(2),
            id: id.to_owned(),
            filename: i.filename.clone(),
            format: format_label(i),
            sheets,
            header_rows,
            data_rows: i.data_rows,
            gevinst_export: i.gevinst_export,
            columns,
            unit_path: Some(unit_levels::path_headers(mapping).join(" › "))
                .filter(|p| !p.is_empty()),
            saved: saved
                .iter()
                .map(|m| Opt::new(m.name.clone(), m.name.clone(), ""))
                .collect(),
            save_error: errors
                .iter()
                .find(|(f, _)| f == "gem_som")
                .map(|(_, m)| m.clone()),
            save_name,
            sheet_error: errors
                .iter()
                .find(|(f, _)| f == "ark")
                .map(|(_, m)| m.clone()),
            summary: errors
                .into_iter()
                .map(|(target, message)| ErrorLink { target, message })
                .collect(),
            message,
        }
    }
}

// ------------------------------------------------------------------ values

/// One unknown value and its select.
#[derive(Debug, Clone)]
pub(crate) struct ValueView {
    pub index: usize,
    pub kind_key: &'static str,
    pub kind_label: &'static str,
    pub raw: String,
    pub rows: String,
    pub resolution: String,
    pub options: Vec<Opt>,
}

/// `import_values.html`.
#[derive(Template)]
#[template(path = "import_values.html")]
pub(crate) struct ValuesPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub id: String,
    pub values: Vec<ValueView>,
    pub units: Vec<Opt>,
    pub mapping_problems: Vec<String>,
    pub may_create: bool,
}

fn rows_text(rows: &[u32]) -> String {
    let mut shown: Vec<String> = rows.iter().take(10).map(|r| r.to_string()).collect();
    if rows.len() > 10 {
        shown.push(format!("og {} flere", rows.len() - 10));
    }
    shown.join(", ")
}

fn existing_names(kind: ValueKind, lists: &TenantLists) -> Vec<String> {
    match kind {
        ValueKind::Unit => lists
            .units
            .flatten()
            .into_iter()
            .filter(|(_, u)| u.active)
            .map(|(_, u)| u.name.clone())
            .collect(),
        ValueKind::Fagomraade => lists
            .fagomraader
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
        ValueKind::Technology => lists
            .technologies
            .iter()
            .filter(|f| f.active)
            .map(|f| f.name.clone())
            .collect(),
        ValueKind::Status => Status::ALL.iter().map(|s| s.label().to_owned()).collect(),
    }
}

impl ValuesPage {
    pub fn new(
        who: &PageUser,
        id: &str,
        preview: &ImportPreview,
        choices: &ImportChoices,
        lists: &TenantLists,
        may_create: bool,
    ) -> Self {
        let answer = |c: &ValueChoice| match c {
            ValueChoice::Existing { name } => format!("e:{name}"),
            ValueChoice::Create { .. } => "opret".to_owned(),
            ValueChoice::Skip => "tom".to_owned(),
        };
        let values = preview
            .unknown
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let decided = choices.decision(v.kind, &v.raw).map(|d| answer(&d.choice));
                let creatable = v.kind != ValueKind::Status && may_create;
                // The suggestion is pre-selected (the same one `gevinst import
                // --accept-suggestions` takes); without one, creating where allowed.
                let current = decided.unwrap_or_else(|| match suggested_choice(v) {
                    Some(c) => answer(&c),
                    None if creatable => "opret".to_owned(),
                    None => String::new(),
                });
                let mut options = vec![Opt::new("", "Vælg …", &current)];
                for (n, s) in v.suggestions.iter().enumerate() {
                    let label = if n == 0 {
                        format!("{s} (foreslået)")
                    } else {
                        s.clone()
                    };
                    options.push(Opt::new(format!("e:{s}"), label, &current));
                }
                for name in existing_names(v.kind, lists) {
                    if !v.suggestions.contains(&name) {
                        options.push(Opt::new(format!("e:{name}"), name.clone(), &current));
                    }
                }
                if creatable {
                    options.push(Opt::new(
                        "opret",
                        format!("Opret ny: «{}»", v.raw),
                        &current,
                    ));
                }
                if matches!(v.kind, ValueKind::Fagomraade | ValueKind::Technology) {
                    options.push(Opt::new("tom", "Lad feltet stå tomt", &current));
                }
                ValueView {
                    index,
                    kind_key: kind_key(v.kind),
                    kind_label: v.kind.label(),
                    raw: v.raw.clone(),
                    rows: rows_text(&v.rows),
                    resolution: v.resolution.clone(),
                    options,
                }
            })
            .collect();
        let current = choices
            .default_unit
            .map(|u| u.to_string())
            .unwrap_or_default();
        let mut units = vec![Opt::new("", "Ingen (rækken får en fejl)", &current)];
        units.extend(
            lists
                .units
                .flatten()
                .into_iter()
                .filter(|(_, u)| u.active)
                .map(|(depth, u)| {
                    Opt::new(
                        u.id.to_string(),
                        format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(depth.min(8)), u.name),
                        &current,
                    )
                }),
        );
        ValuesPage {
            layout: Layout::new(who, "Importér: værdier", "import"),
            steps: steps(3),
            id: id.to_owned(),
            values,
            units,
            mapping_problems: preview.mapping_problems.clone(),
            may_create,
        }
    }
}

// ------------------------------------------------------------------ preview

/// One row of the preview table.
#[derive(Debug, Clone)]
pub(crate) struct RowView {
    pub row: u32,
    pub action_key: &'static str,
    pub action_label: &'static str,
    pub warning: bool,
    pub title: String,
    pub unit: String,
    pub reason: String,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub cpr: Vec<String>,
    pub link: Option<String>,
    /// For a possible duplicate: whether the user chose to import it anyway.
    pub keep: Option<bool>,
}

/// `import_preview.html`.
#[derive(Template)]
#[template(path = "import_preview.html")]
pub(crate) struct PreviewPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub id: String,
    pub filename: String,
    pub sheet: String,
    pub counts: PreviewCounts,
    pub rows: Vec<RowView>,
    pub mapping_problems: Vec<String>,
    pub cpr_rows: usize,
    pub masked: bool,
    pub errors: Vec<String>,
    pub can_commit_all: bool,
    pub can_commit_valid: bool,
    pub new_lists: Vec<String>,
    pub has_report: bool,
    /// Rows that are possible duplicates (a choice per row).
    pub possible_duplicates: usize,
    /// Rows whose status needs a reason the file does not give.
    pub missing_reasons: usize,
    /// The one reason for all rows without one: the user's, else the suggested text.
    pub default_reason: String,
    /// True when the user has given the reason.
    pub reason_given: bool,
    /// Values read by taking their suggestion, e.g. "status «godkendt» → Besluttet".
    pub taken: Vec<String>,
}

fn action_key(a: RowAction) -> &'static str {
    match a {
        RowAction::New => "ny",
        RowAction::Update => "opdatering",
        RowAction::Duplicate => "dublet",
        RowAction::Error => "fejl",
    }
}

impl PreviewPage {
    pub fn new(
        who: &PageUser,
        id: &str,
        upload: &Upload,
        p: &ImportPreview,
        errors: Vec<String>,
    ) -> Self {
        let rows: Vec<RowView> = p
            .rows
            .iter()
            .map(|r| RowView {
                row: r.row,
                action_key: action_key(r.action),
                action_label: r.action.label(),
                warning: !r.warnings.is_empty(),
                title: r.title.clone().unwrap_or_default(),
                unit: r.unit.clone().unwrap_or_default(),
                // An error row's reason repeats its errors, which are listed anyway.
                reason: if r.action == RowAction::Error && !r.errors.is_empty() {
                    String::new()
                } else {
                    r.reason.clone()
                },
                errors: r.errors.clone(),
                warnings: r.warnings.clone(),
                cpr: r
                    .cpr
                    .iter()
                    .map(|c| format!("{}: {}", c.column, c.masked))
                    .collect(),
                link: r.potential.map(|id| format!("/potentialer/{id}")),
                keep: r
                    .possible_duplicate
                    .then(|| upload.choices.keeps_duplicate(r.row)),
            })
            .collect();
        let mut new_lists = Vec::new();
        for (what, names) in [
            ("enhed", &p.new_units),
            ("fagområde", &p.new_fagomraader),
            ("teknologi", &p.new_technologies),
        ] {
            for n in names {
                new_lists.push(format!("Ny {what}: {n}"));
            }
        }
        let importable = p.counts.new + p.counts.update;
        PreviewPage {
            layout: Layout::new(who, "Importér: forhåndsvisning", "import"),
            steps: steps(4),
            id: id.to_owned(),
            filename: upload.filename.clone(),
            sheet: p.sheet.clone(),
            counts: p.counts,
            cpr_rows: p.rows.iter().filter(|r| !r.cpr.is_empty()).count(),
            masked: upload.choices.mask_cpr,
            can_commit_all: p.is_clean() && importable > 0,
            can_commit_valid: p.mapping_problems.is_empty() && importable > 0,
            has_report: p.rows.iter().any(|r| {
                matches!(r.action, RowAction::Error | RowAction::Duplicate)
                    || !r.warnings.is_empty()
            }),
            rows,
            mapping_problems: p.mapping_problems.clone(),
            errors,
            new_lists,
            possible_duplicates: p.counts.possible_duplicate,
            missing_reasons: p.counts.missing_reason,
            default_reason: upload
                .choices
                .default_reason()
                .unwrap_or(gevinst_app::import::DEFAULT_REASON)
                .to_owned(),
            reason_given: upload.choices.default_reason().is_some(),
            taken: p.suggestions_taken().map(|v| v.taken_text()).collect(),
        }
    }
}

// ------------------------------------------------------------------ result

/// A potential written by the import.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    pub href: String,
    pub title: String,
    pub action: &'static str,
}

/// `import_result.html`.
#[derive(Template)]
#[template(path = "import_result.html")]
pub(crate) struct ResultPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub id: String,
    pub filename: String,
    pub o: CommitOutcome,
    pub written: Vec<Written>,
    pub has_report: bool,
}

impl ResultPage {
    pub fn new(who: &PageUser, id: &str, filename: &str, o: &CommitOutcome) -> Self {
        let imported = o
            .preview
            .rows
            .iter()
            .filter(|r| matches!(r.action, RowAction::New | RowAction::Update));
        let written = imported
            .zip(&o.potentials)
            .map(|(r, pid)| Written {
                href: format!("/potentialer/{pid}"),
                title: r
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("Potentiale {pid}")),
                action: r.action.label(),
            })
            .collect();
        ResultPage {
            layout: Layout::new(who, "Importen er gennemført", "import"),
            steps: steps(5),
            id: id.to_owned(),
            filename: filename.to_owned(),
            written,
            has_report: o.preview.rows.iter().any(|r| {
                matches!(r.action, RowAction::Error | RowAction::Duplicate)
                    || !r.warnings.is_empty()
            }),
            o: o.clone(),
        }
    }
}

// ------------------------------------------------------------------ progress

/// `import_progress.html`: shown while a commit runs.
#[derive(Template)]
#[template(path = "import_progress.html")]
pub(crate) struct ProgressPage {
    pub layout: Layout,
    pub steps: Vec<Step>,
    pub id: String,
    pub filename: String,
    pub written: usize,
}

impl ProgressPage {
    pub fn new(who: &PageUser, id: &str, filename: &str, written: usize) -> Self {
        ProgressPage {
            layout: Layout::new(who, "Importen er i gang", "import"),
            steps: steps(5),
            id: id.to_owned(),
            filename: filename.to_owned(),
            written,
        }
    }
}
