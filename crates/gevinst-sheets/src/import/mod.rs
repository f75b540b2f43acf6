//! Reading spreadsheets for import.
