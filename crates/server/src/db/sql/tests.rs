use std::path::PathBuf;

use super::*;
use crate::params;

#[test]
fn numbered_parameters_become_dollar_parameters_outside_quoted_text() {
    assert_eq!(
        dollar_parameters("SELECT '?1', x FROM t WHERE a = ?1 AND b = ?12"),
        "SELECT '?1', x FROM t WHERE a = $1 AND b = $12"
    );
}

#[test]
fn a_postgres_url_is_told_from_a_sqlite_path_and_shown_without_its_password() {
    assert_eq!(
        Location::parse("postgres://crowd:secret@db.example/campaign").to_string(),
        "postgres://crowd:***@db.example/campaign"
    );
    assert_eq!(
        Location::parse("postgresql://crowd@db/campaign").backend(),
        Backend::Postgres
    );
    assert_eq!(
        Location::parse("data/crowdbox.sqlite3"),
        Location::Sqlite(PathBuf::from("data/crowdbox.sqlite3"))
    );
    assert_eq!(
        Location::parse("sqlite://data/x.sqlite3"),
        Location::Sqlite(PathBuf::from("data/x.sqlite3"))
    );
}

#[test]
fn rows_read_the_same_types_from_sqlite_as_the_statements_wrote() {
    let mut conn = Conn::from_sqlite(rusqlite::Connection::open_in_memory().unwrap());
    conn.batch("CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER, x REAL, name TEXT)")
        .unwrap();
    conn.insert_rows(
        "t (id, flag, x, name)",
        (1..=3_i64).map(|id| {
            vec![
                Param::from(id),
                Param::from(id == 2),
                Param::from(id as f64 / 3.0),
                Param::from(if id == 3 { None } else { Some("a") }),
            ]
        }),
    )
    .unwrap();
    let rows: Vec<(i64, bool, f64, Option<String>)> = conn
        .rows("SELECT id, flag, x, name FROM t ORDER BY id", &[], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap();
    assert_eq!(rows[1], (2, true, 2.0 / 3.0, Some("a".to_owned())));
    assert_eq!(rows[2].3, None);
    let error = conn
        .value::<i64>("SELECT name FROM t WHERE id = ?1", params![1_i64])
        .unwrap_err();
    assert!(error.to_string().contains("expected an integer"), "{error}");
}
