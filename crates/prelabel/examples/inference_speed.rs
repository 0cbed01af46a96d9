//! Inference speed of a YOLOv8n-architecture model (random weights, built here) at 320 and 640 input.
//!
//! `cargo run --release -p crowdbox-prelabel --example inference_speed [-- ROUNDS]`
//!
//! Per image on one thread (preprocessing, model, decoding + NMS, medians), then a real run over JPEG files on
//! all cores as `crowdbox prelabel` does it (decode, letterbox, model, NMS, class mapping), and the time that
//! makes for the seed's 11,669 images. The two sizes are measured in turns, ROUNDS times (default 3), since the
//! machine is shared.

#[path = "../tests/support/onnx_graph.rs"]
mod onnx_graph;
#[path = "../tests/support/yolov8n.rs"]
mod yolov8n;

use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crowdbox_prelabel::decode::decode;
use crowdbox_prelabel::letterbox::Letterbox;
use crowdbox_prelabel::{
    read_image, read_image_for_input, run, ClassMap, Detector, DetectorOptions, ImageInput,
    RunOptions,
};

const SEED_IMAGES: f64 = 11_669.0;
const IMAGE_WIDTH: u32 = 1280;
const IMAGE_HEIGHT: u32 = 720;
const RUN_IMAGES: u64 = 16;

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

struct Measured {
    preprocess: Vec<Duration>,
    model: Vec<Duration>,
    decode: Vec<Duration>,
    run_rate: Vec<f64>,
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let threads = RunOptions::default().threads;
    let dir = std::env::temp_dir().join(format!("crowdbox-inference-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let images = write_images(&dir);
    let sizes = [320i64, 640];
    let mut detectors = Vec::new();
    for size in sizes {
        let (bytes, parameters) = yolov8n::yolov8n(size, 80, 1);
        let started = Instant::now();
        let detector = Detector::from_bytes(
            Path::new("yolov8n-random.onnx"),
            &bytes,
            &DetectorOptions::default(),
        )
        .expect("the YOLOv8n-architecture model loads");
        eprintln!(
            "{size}: {parameters} parameters, {:.1} MB, loaded and optimised in {:.1} s, {}",
            bytes.len() as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            detector.layout().describe()
        );
        detectors.push(detector);
    }
    let mut measured: Vec<Measured> = sizes
        .iter()
        .map(|_| Measured {
            preprocess: vec![],
            model: vec![],
            decode: vec![],
            run_rate: vec![],
        })
        .collect();
    let picture = image::open(&images[0].path).unwrap().into_rgb8();
    for round in 0..rounds {
        for (detector, m) in detectors.iter().zip(&mut measured) {
            let (w, h) = detector.input_size();
            let mut state = detector.state().unwrap();
            state.detect(&picture).unwrap(); // warm-up
            for _ in 0..5 {
                let started = Instant::now();
                let letterbox = Letterbox::fit(picture.width(), picture.height(), w, h);
                let data = letterbox.input_tensor_data(&picture);
                m.preprocess.push(started.elapsed());
                std::hint::black_box(data);
                let started = Instant::now();
                let detections = state.detect(&picture).unwrap();
                m.model.push(started.elapsed());
                std::hint::black_box(detections);
            }
            m.decode.push(time_decode(detector));
            let labels: Vec<String> = (0..80).map(|i| i.to_string()).collect();
            let map = ClassMap::new(&labels, &labels, &[]).unwrap();
            let started = Instant::now();
            let summary = run(
                detector,
                &map,
                &images,
                &RunOptions::default(),
                &AtomicBool::new(false),
                |_| {},
                |_| Ok::<(), Infallible>(()),
            )
            .unwrap();
            assert_eq!(summary.images_failed, 0);
            m.run_rate
                .push(images.len() as f64 / started.elapsed().as_secs_f64());
            eprintln!(
                "round {}/{rounds}, {w}: {:.2} images/s",
                round + 1,
                m.run_rate.last().unwrap()
            );
        }
    }
    let photo_costs = time_photo_reading(&dir, &detectors);
    std::fs::remove_dir_all(&dir).ok();

    println!("| input | preprocess (ms) | detect, 1 thread (ms) | decode + NMS, worst case (ms) | images/s, {threads} threads | seed, 11,669 images |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (size, m) in sizes.iter().zip(measured) {
        let mut rates = m.run_rate.clone();
        rates.sort_by(f64::total_cmp);
        let rate = rates[rates.len() / 2];
        let seed = Duration::from_secs_f64(SEED_IMAGES / rate);
        println!(
            "| {size} | {} | {} | {} | {rate:.2} | {} min |",
            ms(median(m.preprocess)),
            ms(median(m.model)),
            ms(median(m.decode)),
            seed.as_secs() / 60
        );
    }
    println!(
        "\n(detect = letterbox + model + decode on a {IMAGE_WIDTH}×{IMAGE_HEIGHT} image; images/s = `run` over \
         {RUN_IMAGES} JPEG files of that size, decoding included; medians of {rounds} rounds)"
    );
    println!(
        "\n| image file | full decode (ms) | decode for 320 (ms) | decode for 640 (ms) | letterbox to 320 (ms) | \
         letterbox to 640 (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for FileCosts {
        name,
        full_decode: decode,
        per_input: sizes,
    } in photo_costs
    {
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            ms(decode),
            ms(sizes[0].0),
            ms(sizes[1].0),
            ms(sizes[0].1),
            ms(sizes[1].1)
        );
    }
}

/// One image file size: full decode, and (decode at the scale the input needs, letterbox) per input size.
struct FileCosts {
    name: String,
    full_decode: Duration,
    per_input: Vec<(Duration, Duration)>,
}

/// Reading (JPEG decode, EXIF orientation) at full size and at the scale each input size needs, and
/// letterboxing, per image file size, medians of 5: with large photos this is a real share of the time per image.
fn time_photo_reading(dir: &Path, detectors: &[Detector]) -> Vec<FileCosts> {
    [(1280, 720), (1920, 1080), (4032, 3024)]
        .into_iter()
        .map(|(width, height)| {
            let path = dir.join(format!("photo-{width}x{height}.jpg"));
            image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x * 7 + y * 3) as u8, (x ^ y) as u8, (y * 5) as u8])
            })
            .save(&path)
            .unwrap();
            let input = ImageInput {
                id: 0,
                path,
                width,
                height,
            };
            let decode = median(
                (0..5)
                    .map(|_| {
                        let started = Instant::now();
                        std::hint::black_box(read_image(&input).unwrap());
                        started.elapsed()
                    })
                    .collect(),
            );
            let pixels = read_image(&input).unwrap();
            let for_input = detectors
                .iter()
                .map(|d| {
                    let (w, h) = d.input_size();
                    let lb = Letterbox::fit(width, height, w, h);
                    let scaled_decode = median(
                        (0..5)
                            .map(|_| {
                                let started = Instant::now();
                                let at_least = (lb.resized_width, lb.resized_height);
                                std::hint::black_box(
                                    read_image_for_input(&input, at_least).unwrap(),
                                );
                                started.elapsed()
                            })
                            .collect(),
                    );
                    let letterbox = median(
                        (0..5)
                            .map(|_| {
                                let started = Instant::now();
                                std::hint::black_box(lb.input_tensor_data(&pixels));
                                started.elapsed()
                            })
                            .collect(),
                    );
                    (scaled_decode, letterbox)
                })
                .collect();
            FileCosts {
                name: format!("{width}×{height} JPEG"),
                full_decode: decode,
                per_input: for_input,
            }
        })
        .collect()
}

/// Decoding and NMS alone, on this model's real output for a noise image (random weights score every anchor
/// about 0.5, so this is the worst case: 300 boxes kept).
fn time_decode(detector: &Detector) -> Duration {
    let (w, h) = detector.input_size();
    let layout = detector.layout();
    let crowdbox_prelabel::OutputLayout::Raw(raw) = layout else {
        unreachable!()
    };
    let n = raw.anchors;
    let attributes = 4 + raw.classes;
    let mut data = vec![0f32; attributes * n];
    let mut seed = 7u32;
    for (i, v) in data.iter_mut().enumerate() {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let unit = (seed >> 8) as f32 / (1 << 24) as f32;
        *v = match i / n {
            0 => unit * w as f32,
            1 => unit * h as f32,
            2 | 3 => 10.0 + unit * 100.0,
            _ => unit,
        };
    }
    let started = Instant::now();
    std::hint::black_box(decode(layout, &[&data], detector.decode_options()));
    started.elapsed()
}

fn write_images(dir: &Path) -> Vec<ImageInput> {
    (1..=RUN_IMAGES)
        .map(|id| {
            let path = dir.join(format!("{id}.jpg"));
            let picture = image::RgbImage::from_fn(IMAGE_WIDTH, IMAGE_HEIGHT, |x, y| {
                image::Rgb([
                    (x * 7 + y * 3 + id as u32 * 11) as u8,
                    (x ^ y) as u8,
                    (y * 5) as u8,
                ])
            });
            picture.save(&path).unwrap();
            ImageInput {
                id,
                path,
                width: IMAGE_WIDTH,
                height: IMAGE_HEIGHT,
            }
        })
        .collect()
}
