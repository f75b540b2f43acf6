//! HTTP integration tests: the real server on a free port, a fresh database per test,
//! requests with a real HTTP client. One test binary keeps link time down.

mod helpers;

mod api_business_case;
mod api_document;
mod api_duties;
mod api_engine_edges;
mod api_list_figures;
mod api_potentials;
mod api_programmes;
mod api_security;
mod axe;
mod browser;
mod browser_admin;
mod browser_axe;
mod browser_bc_editor;
mod browser_front;
mod browser_import;
mod browser_import_choices;
mod browser_list;
mod browser_measure;
mod browser_monday;
mod browser_numbers;
mod browser_programme;
mod pages_account;
mod pages_admin;
mod pages_bc_editor;
mod pages_bulk_decided;
mod pages_business_case;
mod pages_duties;
mod pages_export;
mod pages_front;
mod pages_harvest;
mod pages_import;
mod pages_import_choices;
mod pages_import_cpr;
mod pages_import_units;
mod pages_import_values;
mod pages_lights;
mod pages_list;
mod pages_measure;
mod pages_numbers;
mod pages_potentials;
mod pages_programmes;
mod pages_reports;
mod security_limits;
