//! Recognition's grade on the real seeds and on a page whose table is an image: prose-only
//! reports (the scrape lost their tables, so nothing points at one) are `exact` with tables
//! null; a table printed as an image is `failed`.

mod common;
use common::*;

#[test]
fn seeds_are_read_without_a_guess() {
    let home = tmp();
    for n in ["000", "001", "002", "003", "004"] {
        assert_eq!(grade(home.path(), &seed(n)), "exact", "seed {n}");
    }
}

#[test]
fn a_table_printed_as_an_image_fails() {
    let home = tmp();
    let page = repo().join("plugins/html/tests/fixtures/image-table.html");
    assert_eq!(grade(home.path(), &page), "failed");
    // The rest of the report is read as ever.
    let r = to_json(home.path(), &page);
    assert!(r["tables"]["applications"].is_null());
    assert!(!r["tables"]["active_disclosure"].is_null());
}
