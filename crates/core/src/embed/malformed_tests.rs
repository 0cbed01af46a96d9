//! Malformed host messages: each gets an error naming the offending field by its full JSON path.

use super::*;

fn error(json: &str) -> EmbedError {
    parse_host_message(json).expect_err(json)
}

#[test]
fn malformed_messages_get_errors_naming_the_field() {
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("not json", None, "not JSON"),
        ("[1,2]", None, "must be a JSON object"),
        (r#"{"type":"init""#, None, "not JSON"),
        (r#"{"labels":["a"]}"#, Some("type"), "no `type`"),
        (
            r#"{"type":5}"#,
            Some("type"),
            "must be a string, not a number",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","id":1.5}]}"#,
            Some("tasks[0].id"),
            "whole number",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","initial_value":[{"label":"a","left":0,"top":0,"width":2}]}]}"#,
            Some("tasks[0].initial_value[0].height"),
            "`height` is missing",
        ),
        (
            r#"{"type":"init","labels":["a",3],"tasks":[{"src":"a.jpg"}]}"#,
            Some("labels[1]"),
            "must be a string, not a number",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"strings":{"send":"Senden"}}"#,
            Some("strings.send"),
            "`send` is not a UI string (known: loading_job",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"strings":{"task_progress":"{n}/{count}"}}"#,
            Some("strings.task_progress"),
            "`{count}` is not a value of `task_progress` (it has: {n}, {total}).",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"strings":{"job_label":" "}}"#,
            Some("strings.job_label"),
            "1 to 300 characters",
        ),
        (
            r#"{"type":"set_theme","theme":["red"]}"#,
            Some("theme"),
            "must be an object, not an array",
        ),
        (
            r#"{"type":"set_theme","theme":{},"labels":["a"]}"#,
            Some("labels"),
            "`set_theme` has no field `labels`",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"colour":"red"}"#,
            Some("colour"),
            "`init` has no field `colour`",
        ),
        (
            r#"{"type":"launch"}"#,
            Some("type"),
            "Unknown message type `launch`",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","initialValue":[]}]}"#,
            Some("tasks[0].initialValue"),
            "A task has no field `initialValue`",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","width":"big","height":3}]}"#,
            Some("tasks[0].width"),
            "must be a number, not a string",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"width":3,"height":3}]}"#,
            Some("tasks[0].src"),
            "`src` is missing",
        ),
        (
            r#"{"type":"init","labels":["a"]}"#,
            Some("tasks"),
            "needs `tasks`",
        ),
        (
            r#"{"type":"init","tasks":[{"src":"a.jpg"}]}"#,
            Some("labels"),
            "names no labels",
        ),
        (
            r#"{"type":"init","labels":["a","a"],"tasks":[{"src":"a.jpg"}]}"#,
            Some("labels[1]"),
            "given twice",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"s3://bucket/a.jpg"}]}"#,
            Some("tasks[0].src"),
            "not an image URL",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","width":3}]}"#,
            Some("tasks[0].width"),
            "both `width` and `height`",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg","initial_value":[{"label":"a","left":0,"top":0,"width":0,"height":5}]}]}"#,
            Some("tasks[0].initial_value[0]"),
            "above 0",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"p/","tiles":{"tile_size":512,"levels":3,"width":20000,"height":15000}}]}"#,
            Some("tasks[0].tiles.levels"),
            "has 7 levels, not 3",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"p/","tiles":{"tile_size":512,"levels":7,"width":20000,"height":15000,"depth":8}}]}"#,
            Some("tasks[0].tiles.depth"),
            "`tiles` has no field `depth`",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"p/","width":100,"height":100,"tiles":{"tile_size":512,"levels":7,"width":20000,"height":15000}}]}"#,
            Some("tasks[0].tiles"),
            "The pyramid is 20000×15000 but the task says 100×100.",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"p/","tiles":{"tile_size":512,"levels":7,"width":20000}}]}"#,
            Some("tasks[0].tiles.height"),
            "`height` is missing",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"p/","tiles":{"tile_size":512,"levels":7,"width":20000,"height":15000,"format":"webp"}}]}"#,
            Some("tasks[0].tiles.format"),
            "not a tile format",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"api_base":"ftp://x"}"#,
            Some("api_base"),
            "not an http(s) URL",
        ),
        (
            r#"{"type":"init","labels":["a"],"tasks":[{"src":""}]}"#,
            Some("tasks[0].src"),
            "empty",
        ),
        (
            r#"{"type":"add_tasks","tasks":[{"src":"a.jpg"}]}"#,
            Some("type"),
            "Unknown message type `add_tasks`",
        ),
        (
            r#"{"type":"set_theme","theme":{"--cb-accent":"url(x.png)"}}"#,
            Some("theme.--cb-accent"),
            "function that is not allowed",
        ),
        (
            r#"{"type":"set_theme","theme":{"--cb-accent":"red; background: blue"}}"#,
            Some("theme.--cb-accent"),
            "only letters",
        ),
        (
            r#"{"type":"set_theme","theme":{"--bg":"red"}}"#,
            Some("theme.--bg"),
            "not a theme variable",
        ),
        (
            r#"{"type":"set_theme","theme":{"--cb-accent":"rgb(1,2,3"}}"#,
            Some("theme.--cb-accent"),
            "parentheses",
        ),
    ];
    for (json, field, words) in cases {
        let e = error(json);
        assert_eq!(e.field.as_deref(), *field, "{json}: {e}");
        assert!(e.message.contains(words), "{json}: {e}");
    }
}
