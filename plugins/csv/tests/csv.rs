//! The example plugin through the helpers every plugin author gets (`nianbao_plugin::testing`):
//! its declaration, a round trip through the C interface, a file written by Python's csv module,
//! and bad input.

use nianbao_csv::Csv;
use nianbao_plugin::{testing, Block, Options};

fn read(bytes: &[u8]) -> Result<Vec<Vec<Vec<String>>>, String> {
    testing::read::<Csv>("csv", bytes, &Options::new()).map(|d| testing::table_texts(&d)).map_err(|e| e.0)
}

#[test]
fn the_declaration_is_sound() {
    testing::check_declaration::<Csv>().unwrap();
}

#[test]
fn tables_round_trip_with_merged_cells_printed_once() {
    let doc = testing::sample();
    let written = testing::write::<Csv>("csv", &doc, &Options::new()).unwrap();
    assert_eq!(written.notes, ["CSV holds tables only: 4 headings, paragraphs and images were left out"]);
    let text = String::from_utf8(written.bytes.clone()).unwrap();
    assert!(text.starts_with("信息内容,申请人情况,,总计\r\n,自然人,法人或其他组织,\r\n"), "{text}");
    let back = testing::read::<Csv>("csv", &written.bytes, &Options::new()).unwrap();
    assert!(back.blocks.iter().all(|b| matches!(b, Block::Table(_))));
    assert_eq!(testing::table_texts(&back), testing::table_texts(&doc));
}

#[test]
fn a_file_written_by_pythons_csv_module_reads_field_by_field() {
    // tests/fixtures/make.py: quotes doubled, a comma and a line break inside quoted fields.
    let tables = read(include_bytes!("fixtures/python-csv.csv")).unwrap();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0][2], ["行政规范性文件", "2", "1", "3"]);
    assert_eq!(tables[1][2], ["危及\"三安全一稳定\"", "0", "", "0"]);
    assert_eq!(tables[1][3], ["商业\n企业", "1,234", "", ""]);
}

#[test]
fn a_row_of_one_empty_cell_is_not_a_table_break() {
    let doc = nianbao_plugin::Document::new(vec![Block::Table(nianbao_plugin::Table {
        rows: vec![vec![nianbao_plugin::Cell::new("a")], vec![nianbao_plugin::Cell::new("")]],
        ..Default::default()
    })]);
    let back = testing::round_trip::<Csv>("csv", &doc).unwrap();
    assert_eq!(testing::table_texts(&back), [[["a"], [""]]]);
}

#[test]
fn bad_input_is_refused_with_its_reason() {
    assert_eq!(read(b"x\na,\"b\nc").unwrap_err(), "a quoted field opened on line 2 is never closed");
    assert!(read(b"\xff\xfe,1").unwrap_err().starts_with("not UTF-8 text"));
    let mut options = Options::new();
    options.insert("max-cells".into(), "3".into());
    let e = testing::read::<Csv>("csv", b"1,2\n3,4\n", &options).unwrap_err();
    assert_eq!(e.0, "more than 3 cells (-O max-cells=N raises it)");
}
