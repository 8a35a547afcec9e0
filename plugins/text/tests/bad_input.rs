//! Bad input gets a clear error, never a panic, a hang or unbounded memory: tables of millions
//! of cells, rows of millions of cells, millions of lines, cells of megabytes. Each hostile text
//! is made here; the large ones are read in a child process whose address space is capped at
//! 1 GB, where a reader past its budgets is stopped by the allocator. (The host prefixes the
//! file name.)

use nianbao_plugin::{Block, Document, Error, Options};

fn read(text: &[u8], options: &[(&str, &str)]) -> Result<Document, Error> {
    let options: Options = options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    nianbao_text::read(text, &options)
}

fn error(text: &[u8]) -> String {
    match read(text, &[]) {
        Ok(doc) => panic!("read without error: {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

/// Runs test `name` of this file again in a child process with at most `mb` MB of address
/// space (`ulimit -v`), and `case` there; it must pass, not be killed.
fn in_bounded_memory(name: &str, mb: u64, case: impl FnOnce()) {
    const CHILD: &str = "NIANBAO_BOUNDED_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return case();
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mb * 1024))
        .arg(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} within {mb} MB: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sixty_megabytes_of_tab_separated_cells() {
    // 30 million cells in one table. Before the limit `nianbao convert` ran out of memory
    // at 6 GB after 15 s.
    in_bounded_memory("sixty_megabytes_of_tab_separated_cells", 1024, || {
        let line = "1\t".repeat(999) + "1\n";
        let text = line.repeat(60_000_000 / line.len());
        let e = error(text.as_bytes());
        assert_eq!(e, "the table from line 1 has more than 100000 cells by line 101 (-O max-cells=N raises the limit)");
    });
}

#[test]
fn two_million_pipe_cells_on_one_line() {
    in_bounded_memory("two_million_pipe_cells_on_one_line", 1024, || {
        let text = "|1".repeat(2_000_000) + "|\n";
        let e = error(text.as_bytes());
        assert_eq!(e, "line 1 is a table row of more than 100000 cells (-O max-cells=N raises the limit)");
    });
}

#[test]
fn a_wide_row_over_many_narrow_ones_counts_as_its_grid() {
    // One row of 1000 cells over 200 rows of one: the grid a reader of the table makes is
    // 201 × 1000.
    let text = "|x".repeat(1000) + "|\n" + &"| y |\n".repeat(200);
    let e = error(text.as_bytes());
    assert!(e.contains("the table from line 1 has more than 100000 cells by line 101"), "{e}");
    let doc = read(text.as_bytes(), &[("max-cells", "201000")]).unwrap();
    assert!(matches!(&doc.blocks[0], Block::Table(t) if t.rows.len() == 201));
}

#[test]
fn fifteen_million_lines() {
    // Before the limit: out of memory at 3.4 GB after 11 s.
    in_bounded_memory("fifteen_million_lines", 1024, || {
        let text = "a\n".repeat(15_000_000);
        let e = error(text.as_bytes());
        assert_eq!(e, "the text makes more than 500000 paragraphs and table cells (-O max-blocks=N raises the limit)");
    });
}

#[test]
fn a_cell_of_more_than_100000_characters() {
    let text = format!("| 项目 | {} |\n| 1 | 2 |\n", "字".repeat(100_001));
    let e = error(text.as_bytes());
    assert_eq!(
        e,
        "a cell on line 1 (“字字字字字字字字字字字字…”) holds more than 100000 characters (-O max-cell-chars=N raises the limit)"
    );
    let doc = read(text.as_bytes(), &[("max-cell-chars", "100001")]).unwrap();
    assert!(matches!(&doc.blocks[0], Block::Table(t) if t.rows[0][1].text.chars().count() == 100_001));
}

#[test]
fn a_thirty_megabyte_line_is_one_paragraph() {
    // Paragraphs have no limit of their own: one costs its text.
    in_bounded_memory("a_thirty_megabyte_line_is_one_paragraph", 1024, || {
        let text = "字".repeat(10_000_000);
        let doc = read(text.as_bytes(), &[]).unwrap();
        assert!(matches!(&doc.blocks[..], [Block::Paragraph { text: t, .. }] if t.len() == text.len()));
    });
}

#[test]
fn limits_are_whole_numbers() {
    let e = read(b"x\n", &[("max-blocks", "-1")]).unwrap_err();
    assert_eq!(e.0, "-O max-blocks=-1: the limit must be a whole number");
}

/// An empty or blank file is an error, not an empty report that validates as "nothing to say".
#[test]
fn an_empty_file_is_an_error() {
    for text in [&b""[..], b"   \n\r\n\t\n", "\u{3000}\n".as_bytes(), b"\xef\xbb\xbf"] {
        assert_eq!(error(text), "the file is empty", "{text:?}");
    }
}
