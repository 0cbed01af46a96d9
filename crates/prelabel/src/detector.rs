//! Loading an ONNX detector with tract and running it on one image.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crowdbox_core::geometry::ImageRect;
use image::RgbImage;
use tract_onnx::pb;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::DimLike;

use crate::classes::parse_metadata_names;
use crate::decode::{decode, DecodeOptions};
use crate::error::{format_shape, quoted_list, PrelabelError};
use crate::layout::{detect_layout, OutputInfo, OutputLayout};
use crate::letterbox::Letterbox;

/// How to load a detector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetectorOptions {
    /// Square input size for a model whose input size is not fixed (default 640). A model with a fixed input
    /// size takes only that size.
    pub input_size: Option<u32>,
    /// Class names (from a `classes.txt`); when `None`, the ONNX metadata `names` are used if present.
    pub class_names: Option<Vec<String>>,
    pub decode: DecodeOptions,
}

pub const DEFAULT_INPUT_SIZE: u32 = 640;

/// Where the model's class names came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassNamesSource {
    Given,
    Metadata,
    /// No names: classes are called by index.
    None,
}

/// A detection in natural image pixels, with the model's class.
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    pub rect: ImageRect,
    pub score: f32,
    pub class: usize,
}

/// A loaded model, ready to run (shareable between threads; each run keeps its own state).
pub struct Detector {
    plan: Arc<TypedRunnableModel>,
    input_width: u32,
    input_height: u32,
    layout: OutputLayout,
    class_names: Vec<String>,
    class_names_source: ClassNamesSource,
    decode: DecodeOptions,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("input", &(self.input_width, self.input_height))
            .field("layout", &self.layout)
            .field("class_names", &self.class_names)
            .finish_non_exhaustive()
    }
}

/// The model's state for one thread: tract's buffers, reused from image to image.
pub struct DetectorState<'a> {
    detector: &'a Detector,
    state: TypedSimpleState,
}

impl Detector {
    /// Loads and optimises the model at `path`. Errors name what is wrong: not ONNX, an input or outputs of a
    /// shape crowdbox does not read (naming the shapes), or class names that do not fit the outputs.
    pub fn load(path: &Path, options: &DetectorOptions) -> Result<Self, PrelabelError> {
        let bytes = std::fs::read(path).map_err(|source| PrelabelError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_bytes(path, &bytes, options)
    }

    /// As [`Detector::load`], from the file's bytes (`path` only names it in errors).
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        options: &DetectorOptions,
    ) -> Result<Self, PrelabelError> {
        let not_onnx = |reason: String| PrelabelError::NotOnnx {
            path: path.to_owned(),
            reason,
        };
        let onnx = tract_onnx::onnx();
        let proto = onnx
            .proto_model_for_read(&mut &bytes[..])
            .map_err(|e| not_onnx(format!("not a protobuf ModelProto: {e}")))?;
        let graph = proto
            .graph
            .as_ref()
            .ok_or_else(|| not_onnx("it has no graph".to_owned()))?;
        if graph.output.is_empty() || proto.opset_import.is_empty() {
            return Err(not_onnx("it has no outputs or no operator set".to_owned()));
        }
        let (input_name, input_shape) = image_input(graph)?;
        let (input_width, input_height) =
            input_size(&input_name, &input_shape, options.input_size)?;

        let (class_names, class_names_source) = match &options.class_names {
            Some(names) => (names.clone(), ClassNamesSource::Given),
            None => match proto
                .metadata_props
                .iter()
                .find(|p| p.key == "names")
                .and_then(|p| parse_metadata_names(&p.value))
            {
                Some(names) => (names, ClassNamesSource::Metadata),
                None => (Vec::new(), ClassNamesSource::None),
            },
        };

        let unloadable = |e: TractError| PrelabelError::Unloadable {
            path: path.to_owned(),
            reason: format!("{e:#}"),
        };
        let fact = f32::fact([1, 3, input_height as usize, input_width as usize]);
        let model = onnx
            .model_for_proto_model(&proto)
            .and_then(|m| m.with_input_fact(0, fact.into()))
            .and_then(|m| m.into_optimized())
            .map_err(unloadable)?;
        let outputs = output_infos(&model, graph).map_err(unloadable)?;
        let known = (!class_names.is_empty()).then_some(class_names.len());
        let layout = detect_layout(&outputs, input_width as usize, input_height as usize, known)?;
        if let (Some(count), Some(model_count)) = (known, layout.class_count()) {
            // detect_layout already made a raw layout agree with the names; this guards a future layout.
            if count != model_count {
                return Err(PrelabelError::ClassCountMismatch {
                    count,
                    source_name: source_name(&class_names_source),
                    shape: format_shape(&outputs[0].shape),
                    expected: format!("{model_count} classes"),
                });
            }
        }
        let plan = model.into_runnable().map_err(unloadable)?;
        Ok(Self {
            plan,
            input_width,
            input_height,
            layout,
            class_names,
            class_names_source,
            decode: options.decode,
        })
    }

    pub fn input_size(&self) -> (u32, u32) {
        (self.input_width, self.input_height)
    }

    pub fn layout(&self) -> &OutputLayout {
        &self.layout
    }

    /// The model's class names; empty when it has none (classes are then called by index).
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    pub fn class_names_source(&self) -> &ClassNamesSource {
        &self.class_names_source
    }

    pub fn decode_options(&self) -> &DecodeOptions {
        &self.decode
    }

    /// A state for running the model on one thread.
    pub fn state(&self) -> Result<DetectorState<'_>, PrelabelError> {
        let state = TypedSimpleState::new(&self.plan)
            .map_err(|e| PrelabelError::Inference(format!("{e:#}")))?;
        Ok(DetectorState {
            detector: self,
            state,
        })
    }

    /// Runs the model once on `image` (a fresh state; for many images use [`Detector::state`]).
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<Detection>, PrelabelError> {
        self.state()?.detect(image)
    }
}

impl DetectorState<'_> {
    /// The model's boxes on `image`, in its natural pixels, clipped to it, highest score first.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<Detection>, PrelabelError> {
        self.detect_scaled(image, image.width(), image.height())
    }

    /// As [`DetectorState::detect`] for an image decoded smaller than its natural `width`×`height` (a JPEG
    /// decoded at reduced scale): boxes still come back in natural pixels.
    pub fn detect_scaled(
        &mut self,
        image: &RgbImage,
        width: u32,
        height: u32,
    ) -> Result<Vec<Detection>, PrelabelError> {
        let detector = self.detector;
        let letterbox = Letterbox::fit(width, height, detector.input_width, detector.input_height);
        let data = letterbox.input_tensor_data(image);
        let shape = [
            1,
            3,
            detector.input_height as usize,
            detector.input_width as usize,
        ];
        let inference = |e: TractError| PrelabelError::Inference(format!("{e:#}"));
        let input = Tensor::from_shape(&shape, &data).map_err(inference)?;
        let outputs = self.state.run(tvec!(input.into())).map_err(inference)?;
        let flat: Vec<Vec<f32>> = outputs
            .iter()
            .map(|o| {
                Ok(o.cast_to::<f32>()?
                    .try_as_plain_ram()?
                    .as_slice::<f32>()?
                    .to_vec())
            })
            .collect::<TractResult<_>>()
            .map_err(inference)?;
        let slices: Vec<&[f32]> = flat.iter().map(Vec::as_slice).collect();
        Ok(decode(&detector.layout, &slices, &detector.decode)
            .into_iter()
            .map(|c| Detection {
                rect: letterbox.to_image(&c.input_box),
                score: c.score,
                class: c.class,
            })
            .filter(|d| d.rect.w > 0.0 && d.rect.h > 0.0)
            .collect())
    }
}

fn source_name(source: &ClassNamesSource) -> String {
    match source {
        ClassNamesSource::Given => "the classes file".to_owned(),
        ClassNamesSource::Metadata => "the model's metadata".to_owned(),
        ClassNamesSource::None => "none".to_owned(),
    }
}

/// The graph's one real input (not an initializer listed as an input, as older exporters do) and its shape.
fn image_input(graph: &pb::GraphProto) -> Result<(String, Vec<Option<usize>>), PrelabelError> {
    let initializers: HashSet<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<&pb::ValueInfoProto> = graph
        .input
        .iter()
        .filter(|i| !initializers.contains(i.name.as_str()))
        .collect();
    let [input] = inputs[..] else {
        let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
        return Err(PrelabelError::TooManyInputs {
            count: inputs.len(),
            names: quoted_list(&names),
        });
    };
    let dims = match input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(pb::type_proto::Value::TensorType(tensor)) => tensor
            .shape
            .as_ref()
            .map(|s| {
                s.dim
                    .iter()
                    .map(|d| match d.value {
                        Some(pb::tensor_shape_proto::dimension::Value::DimValue(v)) if v > 0 => {
                            Some(v as usize)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok((input.name.clone(), dims))
}

/// The input's width and height: the model's own where fixed, else the asked (or default) square size.
fn input_size(
    name: &str,
    shape: &[Option<usize>],
    asked: Option<u32>,
) -> Result<(u32, u32), PrelabelError> {
    let unsupported = || PrelabelError::UnsupportedInput {
        name: name.to_owned(),
        shape: format_shape(shape),
    };
    let [batch, channels, height, width] = shape[..] else {
        return Err(unsupported());
    };
    if batch.is_some_and(|b| b != 1) || channels.is_some_and(|c| c != 3) {
        return Err(unsupported());
    }
    match (width, height) {
        (Some(w), Some(h)) => {
            let (w, h) = (
                u32::try_from(w).map_err(|_| unsupported())?,
                u32::try_from(h).map_err(|_| unsupported())?,
            );
            match asked {
                Some(size) if (size, size) != (w, h) => Err(PrelabelError::InputSizeMismatch {
                    asked: size,
                    width: w,
                    height: h,
                }),
                _ => Ok((w, h)),
            }
        }
        (None, None) => {
            let size = asked.unwrap_or(DEFAULT_INPUT_SIZE);
            if size == 0 || !size.is_multiple_of(32) {
                return Err(PrelabelError::InputSizeNotMultipleOf32(size));
            }
            Ok((size, size))
        }
        _ => Err(unsupported()),
    }
}

fn output_infos(model: &TypedModel, graph: &pb::GraphProto) -> TractResult<Vec<OutputInfo>> {
    (0..model.output_outlets()?.len())
        .map(|index| {
            let fact = model.output_fact(index)?;
            Ok(OutputInfo {
                name: graph
                    .output
                    .get(index)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                shape: fact.shape.iter().map(|d| d.to_usize().ok()).collect(),
                integer: fact.datum_type.is_integer(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_input_size_is_the_models_own_and_another_size_is_an_error() {
        let shape = [Some(1), Some(3), Some(640), Some(640)];
        assert_eq!(input_size("images", &shape, None).unwrap(), (640, 640));
        let error = input_size("images", &shape, Some(320))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("320") && error.contains("640×640"),
            "{error}"
        );
    }

    #[test]
    fn a_dynamic_input_takes_the_asked_size_which_must_be_a_multiple_of_32() {
        let shape = [Some(1), Some(3), None, None];
        assert_eq!(input_size("images", &shape, None).unwrap(), (640, 640));
        assert_eq!(input_size("images", &shape, Some(320)).unwrap(), (320, 320));
        assert!(input_size("images", &shape, Some(300))
            .unwrap_err()
            .to_string()
            .contains("300"));
    }

    #[test]
    fn an_input_that_is_not_one_rgb_image_is_an_error_naming_its_shape() {
        for shape in [
            vec![Some(1), Some(1), Some(64), Some(64)],
            vec![Some(1), Some(224), Some(224), Some(3)],
            vec![Some(2)],
        ] {
            let error = input_size("x", &shape, None).unwrap_err().to_string();
            assert!(error.contains(&format_shape(&shape)), "{error}");
        }
    }
}
