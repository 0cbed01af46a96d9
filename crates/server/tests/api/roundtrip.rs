//! Boxes leave every COCO export exactly as they came in: random boxes inside their images, submitted through the
//! HTTP API, read back from the owner's export endpoint and from `crowdbox export`, compared bit for bit.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use crowdbox_core::coco::CocoDataset;
use crowdbox_server::auth::OwnerToken;
use crowdbox_server::ServerConfig;

use crate::cli_support::export;
use crate::helpers::{submission_for, TestApp};

const OWNER: &str = "owner-token-for-the-round-trip-0123456789";

/// A small deterministic generator (xorshift64*), so a failure names boxes that can be made again.
struct Noise(u64);

impl Noise {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }

    /// A box with six decimals, as a browser sends them, that lies inside a `width`×`height` image.
    fn bbox_inside(&mut self, width: u32, height: u32) -> [f64; 4] {
        let six = |value: f64| (value * 1e6).round() / 1e6;
        let (width, height) = (f64::from(width), f64::from(height));
        loop {
            let x = six(self.unit() * width * 0.8);
            let y = six(self.unit() * height * 0.8);
            let w = six(1e-3 + self.unit() * (width - x));
            let h = six(1e-3 + self.unit() * (height - y));
            if w > 0.0 && h > 0.0 && x + w <= width && y + h <= height {
                return [x, y, w, h];
            }
        }
    }
}

fn bits(bbox: &[f64; 4]) -> [u64; 4] {
    bbox.map(f64::to_bits)
}

#[tokio::test]
async fn random_boxes_inside_their_image_leave_the_api_and_cli_coco_exports_bit_for_bit() {
    let app = TestApp::spawn_with(ServerConfig {
        owner_token: Some(OwnerToken::new(OWNER).unwrap()),
        ..ServerConfig::default()
    })
    .await;
    app.create_job("exact", &["cat", "dog"], 6, 1, 6).await;
    let batch = app.lease("exact", "worker-a").await;
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let mut sent = Vec::new();
    for task in &batch.tasks {
        let boxes: Vec<(u64, [f64; 4])> = (0..40)
            .map(|index| {
                let bbox = noise.bbox_inside(task.image.width, task.image.height);
                (1 + index % 2, bbox)
            })
            .collect();
        let submission = submission_for(
            &batch,
            task,
            "worker-a",
            &format!("s-{}", task.task_id),
            &boxes,
        );
        let response = app.submit("exact", &submission).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text());
        sent.extend(boxes.into_iter().map(|(_, bbox)| (task.task_id, bbox)));
    }
    // The defect this guards against moved about 70 % of such boxes by one floating-point step.
    assert_eq!(sent.len(), 240);

    let request = Request::get("/api/jobs/exact/export?format=coco")
        .header(header::AUTHORIZATION, format!("Bearer {OWNER}"))
        .body(Body::empty())
        .unwrap();
    let response = app.request(request).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let from_api: CocoDataset = response.json();

    let file = app.dir.path().join("exact.json");
    export(&app, "exact", "coco", &file, &[]);
    let from_cli: CocoDataset = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();

    for (source, dataset) in [("API", &from_api), ("CLI", &from_cli)] {
        let exported: Vec<(u64, [u64; 4])> = dataset
            .annotations
            .iter()
            .map(|annotation| (annotation.image_id, bits(&annotation.bbox)))
            .collect();
        let expected: Vec<(u64, [u64; 4])> = sent
            .iter()
            .map(|(image, bbox)| (*image, bits(bbox)))
            .collect();
        let moved: Vec<_> = sent
            .iter()
            .zip(&dataset.annotations)
            .filter(|((_, bbox), annotation)| bits(bbox) != bits(&annotation.bbox))
            .map(|((_, bbox), annotation)| (bbox, annotation.bbox))
            .take(3)
            .collect();
        assert_eq!(
            exported, expected,
            "the {source} export moved boxes, e.g. (sent, exported): {moved:?}"
        );
    }
}
