//! Cells a spreadsheet would run as formulas. A cell that starts with `=`, `+`, `-` or `@`
//! (or a tab or carriage return before one) is a formula to Excel and LibreOffice, so an
//! editor could plant `=HYPERLINK(…)` for the administrator who opens the all-provider
//! export. Exports put an apostrophe before such cells, the usual mark for "text, not a
//! formula"; imports take it off again, so the round trip stays exact.
//!
//! A cell that already starts with an apostrophe followed by one of those characters (or
//! by another apostrophe) gets one more, so taking one off on the way back always gives
//! the cell as it was. An apostrophe before anything else (`'s Chäsi`) is left alone both
//! ways.

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_mark(text: &str) -> bool {
    text.starts_with(TRIGGERS) || text.starts_with('\'')
}

/// The cell as an export writes it.
pub fn defuse(cell: String) -> String {
    let marked = cell.starts_with(TRIGGERS) || cell.strip_prefix('\'').is_some_and(needs_mark);
    if marked { format!("'{cell}") } else { cell }
}

/// The cell as an import reads it (the inverse of [`defuse`]).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_mark(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_marked_and_read_back_exactly() {
        for cell in [
            "=HYPERLINK(\"https://evil.example\",\"Anmeldung\")",
            "+41 32 627 00 00",
            "-7.25",
            "@SUM(A1)",
            "\t=1+1",
            "'=already marked",
            "''",
            "'s Chäsi",
            "Deutschkurs A1",
            "",
        ] {
            let written = defuse(cell.to_owned());
            assert!(!written.starts_with(TRIGGERS), "{written:?}");
            assert_eq!(restore(&written), cell, "{written:?}");
        }
        assert_eq!(defuse("=1+1".into()), "'=1+1");
        assert_eq!(defuse("'s Chäsi".into()), "'s Chäsi");
    }
}
