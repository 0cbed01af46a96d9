use super::*;
use crate::coco::{CocoAnnotation, CocoImage};
use crate::editor::{BoxChange, ChangeKind};
use crate::wire::{CocoResult, Outcome, Submission, TaskAnswer};

fn init(json: &str) -> Init {
    match parse_host_message(json) {
        Ok(HostMessage::Init(init)) => *init,
        other => panic!("expected init, got {other:?}"),
    }
}

const GOOD: &str = r##"{"type":"init","labels":["cat","dog"],
  "tasks":[{"src":"https://img.example/a.jpg","width":640,"height":480,
            "initial_value":[{"label":"dog","left":10,"top":20,"width":30,"height":40}]},
           {"id":7,"src":"b.png"}],
  "header":"Box every animal","short_instructions":"Tight boxes.","full_instructions":"# Details",
  "theme":{"--cb-accent":"#c0392b","--cb-radius":"2px"},"token":"t0k","name":"animals",
  "strings":{"job_label":"Auftrag:"}}"##;

#[test]
fn a_full_init_message_is_read() {
    let init = init(GOOD);
    assert_eq!(init.labels, ["cat", "dog"]);
    assert_eq!(init.tasks.len(), 2);
    assert_eq!(init.tasks[0].width, 640);
    assert_eq!(init.tasks[1].id, 7);
    assert_eq!(init.tasks[0].initial_value[0].label, "dog");
    assert_eq!(init.token.as_deref(), Some("t0k"));
    assert_eq!(init.name.as_deref(), Some("animals"));
    assert_eq!(
        init.strings,
        [("job_label".to_owned(), "Auftrag:".to_owned())]
    );
    assert_eq!(
        instructions(&init),
        "Box every animal\n\nTight boxes.\n\n# Details"
    );
    assert_eq!(
        app_variables(&init.theme),
        [
            ("--accent", "#c0392b".to_owned()),
            ("--radius", "2px".to_owned())
        ]
    );
}

#[test]
fn theme_values_may_be_colours_lengths_and_colour_functions() {
    for good in [
        "#fff",
        "rebeccapurple",
        "rgb(10 20 30 / 50%)",
        "color-mix(in srgb, red 40%, white)",
        "calc(1rem + 2px)",
        "0.75rem",
    ] {
        let theme = vec![("--cb-accent".to_owned(), good.to_owned())];
        assert_eq!(check_theme(&theme), Ok(()), "{good}");
    }
    for bad in [
        "",
        "image-set(a)",
        "-url(x)",
        "var(--x)",
        "red}",
        "\"a\"",
        "a\\62",
    ] {
        let theme = vec![("--cb-accent".to_owned(), bad.to_owned())];
        assert!(check_theme(&theme).is_err(), "{bad}");
    }
}

#[test]
fn host_tasks_become_crowdbox_tasks_with_their_initial_boxes() {
    let init = init(GOOD);
    let categories = categories(&init.labels);
    let tasks = tasks(
        &init.tasks,
        &[(640, 480), (100, 50)],
        &categories,
        1,
        "tasks",
    )
    .unwrap();
    assert_eq!(tasks[0].task_id, 1);
    assert_eq!(tasks[0].image.width, 640);
    assert_eq!(tasks[0].image_url, "https://img.example/a.jpg");
    assert_eq!(
        tasks[0].initial_annotations,
        [CocoAnnotation {
            id: 1,
            image_id: 1,
            category_id: 2,
            bbox: [10.0, 20.0, 30.0, 40.0],
            area: 1200.0,
            iscrowd: 0,
            score: None,
        }]
    );
    assert_eq!(tasks[1].task_id, 7);
    assert_eq!((tasks[1].image.width, tasks[1].image.height), (100, 50));

    let batch = batch("j", "do it", &categories, &tasks, &[1]);
    assert_eq!(batch.tasks.len(), 1);
    assert_eq!(batch.tasks[0].task_id, 7);
    assert_eq!((batch.images_total, batch.images_done), (2, 1));
    assert!(batch.job_done);
}

#[test]
fn a_host_task_may_be_a_published_pyramid_whose_size_it_takes() {
    let init = init(
        r#"{"type":"init","labels":["a"],"tasks":[{"src":"https://img.example/field.tiles/",
            "tiles":{"tile_size":512,"levels":7,"width":20000,"height":15000,"format":"jpeg"}}]}"#,
    );
    let task = &init.tasks[0];
    assert_eq!((task.width, task.height), (20000, 15000));
    let pyramid = task.tiles.expect("the pyramid");
    assert_eq!((pyramid.tile_size, pyramid.levels), (512, 7));
    let tasks = tasks(
        &init.tasks,
        &[(task.width, task.height)],
        &categories(&init.labels),
        1,
        "tasks",
    )
    .unwrap();
    assert_eq!(tasks[0].tiles, Some(pyramid));
    assert_eq!(
        crate::tiles::tile_url(
            &tasks[0].image_url,
            crate::tiles::TileKey::new(6, 39, 29),
            pyramid.format
        ),
        "https://img.example/field.tiles/6/39/29.jpg"
    );
}

#[test]
fn an_initial_box_with_an_unknown_label_or_a_repeated_task_id_is_refused() {
    let mut init = init(GOOD);
    init.tasks[0].initial_value[0].label = "cow".into();
    let e = tasks(
        &init.tasks,
        &[(1, 1), (1, 1)],
        &categories(&init.labels),
        1,
        "tasks",
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("tasks[0].initial_value[0].label"));
    assert!(e.message.contains("`cow`"), "{e}");

    init.tasks[0].initial_value.clear();
    init.tasks[0].id = 7;
    let e = tasks(
        &init.tasks,
        &[(1, 1), (1, 1)],
        &categories(&init.labels),
        1,
        "tasks",
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("tasks[1].id"));
}

fn result(bboxes: &[(u64, [f64; 4])]) -> CocoResult {
    CocoResult {
        images: vec![CocoImage {
            id: 3,
            file_name: "a.jpg".into(),
            width: 640,
            height: 480,
            license: None,
            date_captured: None,
            outcomes: Default::default(),
        }],
        annotations: bboxes
            .iter()
            .zip(1..)
            .map(|(&(category_id, bbox), id)| CocoAnnotation {
                id,
                image_id: 3,
                category_id,
                bbox,
                area: bbox[2] * bbox[3],
                iscrowd: 0,
                score: None,
            })
            .collect(),
        categories: categories(&["cat".to_owned(), "dog".to_owned()]),
    }
}

#[test]
fn a_coco_result_becomes_a_crowd_bounding_box_answer_in_whole_pixels() {
    let answer = crowd_answer(&result(&[
        (2, [10.4, 20.6, 30.2, 40.0]),
        (1, [0.0, 0.0, 640.0, 480.0]),
    ]))
    .unwrap();
    // Edges: 10.4 → 10, 40.6 → 41; 20.6 → 21, 60.6 → 61.
    assert_eq!(
        answer.bounding_boxes[0],
        CrowdBox {
            label: "dog".into(),
            left: 10.0,
            top: 21.0,
            width: 31.0,
            height: 40.0
        }
    );
    assert_eq!(answer.bounding_boxes[1].label, "cat");
    let json: serde_json::Value =
        serde_json::to_value(named_answer("boundingBox", answer)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"boundingBox": {
            "boundingBoxes": [
                {"label": "dog", "left": 10, "top": 21, "width": 31, "height": 40},
                {"label": "cat", "left": 0, "top": 0, "width": 640, "height": 480}
            ],
            "inputImageProperties": {"width": 640, "height": 480}
        }})
    );
    let e = crowd_answer(&result(&[(9, [0.0, 0.0, 1.0, 1.0])])).unwrap_err();
    assert!(e.message.contains("unknown label id 9"), "{e}");
}

#[test]
fn app_messages_carry_the_version_and_their_type() {
    assert_eq!(
        AppMessage::Ready.to_json(),
        r#"{"type":"ready","crowdbox":1}"#
    );
    let mut answer = TaskAnswer::new(result(&[]));
    answer.outcome = Outcome::NothingToLabel;
    answer.note = Some("dark \"image\"\n".into());
    answer.changes = vec![BoxChange {
        origin: Some(4),
        annotation: None,
        kind: ChangeKind::Deleted,
    }];
    let submission = answer.into_submission("s-1".into(), "w".into(), 3, Some(1200));
    let submitted = AppMessage::submitted(
        3,
        named_answer(
            "b\"x",
            crowd_answer(&result(&[(1, [1.0, 2.0, 3.0, 4.0])])).unwrap(),
        ),
        serde_json::to_string(&submission).unwrap(),
        0,
    )
    .unwrap();
    let value: serde_json::Value = serde_json::from_str(&submitted.to_json()).unwrap();
    assert_eq!(value["type"], "submitted");
    assert_eq!(value["crowdbox"], 1);
    assert_eq!(value["task_id"], 3);
    let sent: Submission = serde_json::from_value(value["submission"].clone()).unwrap();
    assert_eq!(sent, submission);
    assert_eq!(value["submission"]["changes"][0]["kind"], "deleted");
    assert_eq!(value["submission"]["outcome"], "nothing_to_label");
    assert_eq!(value["submission"]["note"], "dark \"image\"\n");
    assert_eq!(value["remaining"], 0);
    assert_eq!(
        value["answer"]["b\"x"]["boundingBoxes"][0],
        serde_json::json!({"label": "cat", "left": 1, "top": 2, "width": 3, "height": 4})
    );
    let changed = AppMessage::Changed {
        task_id: 9,
        answer: named_answer("boundingBox", crowd_answer(&result(&[])).unwrap()),
    };
    let value: serde_json::Value = serde_json::from_str(&changed.to_json()).unwrap();
    assert_eq!(value["type"], "changed");
    assert_eq!(
        value["answer"]["boundingBox"]["inputImageProperties"],
        serde_json::json!({"width": 640, "height": 480})
    );
    let e = AppMessage::error("bad_message", &EmbedError::at("tasks", "no \"tasks\"")).to_json();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&e).unwrap(),
        serde_json::json!({"type": "error", "crowdbox": 1, "code": "bad_message",
            "message": "no \"tasks\"", "field": "tasks"})
    );
    let e = AppMessage::error("bad_message", &EmbedError::new("not JSON")).to_json();
    assert!(
        !e.contains("field"),
        "a message-wide error names no field: {e}"
    );
    assert!(AppMessage::submitted(
        3,
        named_answer("b", crowd_answer(&result(&[])).unwrap()),
        "{".into(),
        0
    )
    .is_err());
}

#[test]
fn strings_in_app_messages_are_valid_json_strings() {
    for text in [
        "plain",
        "quote \" and \\ back",
        "line\nbreak\ttab\u{1}",
        "émoji 🦀 </script>",
    ] {
        let json = AppMessage::error(text, &EmbedError::new(text)).to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (value["code"].as_str(), value["message"].as_str()),
            (Some(text), Some(text)),
            "{json}"
        );
    }
}

#[test]
fn host_origins_are_scheme_host_and_port_only() {
    assert_eq!(
        parse_origin("https://Portal.example/").unwrap(),
        "https://portal.example"
    );
    assert_eq!(
        parse_origin("http://localhost:8080").unwrap(),
        "http://localhost:8080"
    );
    for bad in [
        "*",
        "null",
        "portal.example",
        "https://",
        "https://a.example/path",
        "https://user@a.example",
        "javascript:alert(1)",
    ] {
        let e = parse_origin(bad).unwrap_err();
        assert!(e.message.contains("not a host origin"), "{bad}: {e}");
    }
}

#[test]
fn a_host_may_reword_a_sentence_with_fewer_of_its_values() {
    let init = init(
        r#"{"type":"init","labels":["a"],"tasks":[{"src":"a.jpg"}],"strings":{"task_progress":"Bild {n}"}}"#,
    );
    assert_eq!(
        init.strings,
        [("task_progress".to_owned(), "Bild {n}".to_owned())]
    );
}
