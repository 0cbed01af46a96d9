use crate::console::correction::{corrected_boxes, correction_editor};
use crate::editor::Editor;
use crate::owner::{ImageDetail, LabelledBox};

fn labels() -> Vec<String> {
    vec!["hammer".into(), "saw".into()]
}

fn labelled(label: &str, bbox: [f64; 4]) -> LabelledBox {
    LabelledBox {
        label: label.into(),
        bbox,
        confidence: Some(0.8),
    }
}

fn detail(consolidated: Vec<LabelledBox>) -> ImageDetail {
    ImageDetail {
        image_id: 3,
        file_name: "3.jpg".into(),
        width: 640,
        height: 480,
        image_url: "/api/images/3".into(),
        tiles: None,
        consolidated,
        submissions: Vec::new(),
        reviewed: None,
    }
}

#[test]
fn a_correction_starts_from_the_consolidated_boxes_and_gives_them_back_bit_for_bit_without_confidence(
) {
    let given = vec![
        labelled("saw", [10.25, 20.5, 100.125, 50.0]),
        labelled("hammer", [0.1, 0.2, 0.3, 0.4]),
    ];
    let editor = correction_editor(&detail(given.clone()), &labels());
    let image = editor.image_size();
    assert_eq!((image.width, image.height), (640.0, 480.0));
    assert_eq!(
        editor
            .categories()
            .iter()
            .map(|c| (c.id, c.name.as_str()))
            .collect::<Vec<_>>(),
        [(1, "hammer"), (2, "saw")]
    );
    let back = corrected_boxes(&editor, &labels());
    let want: Vec<LabelledBox> = given
        .into_iter()
        .map(|b| LabelledBox {
            confidence: None,
            ..b
        })
        .collect();
    assert_eq!(back, want);
}

#[test]
fn a_box_whose_label_the_job_no_longer_has_is_left_out_of_the_correction() {
    let editor = correction_editor(
        &detail(vec![
            labelled("drill", [1.0, 1.0, 5.0, 5.0]),
            labelled("hammer", [2.0, 2.0, 6.0, 6.0]),
        ]),
        &labels(),
    );
    assert_eq!(
        corrected_boxes(&editor, &labels()),
        [LabelledBox {
            label: "hammer".into(),
            bbox: [2.0, 2.0, 6.0, 6.0],
            confidence: None,
        }]
    );
    assert!(corrected_boxes(&Editor::new(editor.image_size(), Vec::new()), &labels()).is_empty());
}
