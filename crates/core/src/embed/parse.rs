//! Reading and checking the host's messages: strict field lists, full JSON paths in every error.

use super::json::{self, Obj};
use super::{check_theme, CrowdBox, EmbedError, HostMessage, HostTask, Init};
use crate::tiles::{TileFormat, TilePyramid};

const INIT_FIELDS: &[&str] = &[
    "type",
    "job",
    "labels",
    "tasks",
    "header",
    "short_instructions",
    "full_instructions",
    "name",
    "theme",
    "api_base",
    "token",
    "strings",
];
const TASK_FIELDS: &[&str] = &["id", "src", "width", "height", "initial_value", "tiles"];
const PYRAMID_FIELDS: &[&str] = &["tile_size", "levels", "width", "height", "format"];
const BOX_FIELDS: &[&str] = &["label", "left", "top", "width", "height"];

/// Reads a message the host posted (as JSON text), naming the field that is wrong by its full path. Fields are
/// checked strictly: a misspelt field (`initialValue`) is an error rather than silently ignored. A field that
/// is `null` counts as not given.
pub fn parse_host_message(text: &str) -> Result<HostMessage, EmbedError> {
    let value = json::parse(text)?;
    let message = Obj::new(&value, "").map_err(|_| {
        EmbedError::new("A message must be a JSON object with a `type` (init or set_theme).")
    })?;
    let kind = message.string("type")?.unwrap_or_default();
    let parsed = match kind.as_str() {
        "" => {
            return Err(EmbedError::at(
                "type",
                "The message has no `type` (init or set_theme).",
            ))
        }
        "init" => {
            message.only("`init`", INIT_FIELDS)?;
            let [job, header, short_instructions, full_instructions, name, api_base, token] =
                message.optional_strings([
                    "job",
                    "header",
                    "short_instructions",
                    "full_instructions",
                    "name",
                    "api_base",
                    "token",
                ])?;
            let init = Init {
                job,
                labels: message.strings("labels")?,
                tasks: host_tasks(&message)?,
                header,
                short_instructions,
                full_instructions,
                name,
                theme: message.string_map("theme")?,
                api_base,
                token,
                strings: message.string_map("strings")?,
            };
            check_init(&init)?;
            HostMessage::Init(Box::new(init))
        }
        "set_theme" => {
            message.only("`set_theme`", &["type", "theme"])?;
            let theme = message.string_map("theme")?;
            check_theme(&theme)?;
            HostMessage::SetTheme(theme)
        }
        other => {
            return Err(EmbedError::at(
                "type",
                format!("Unknown message type `{other}` (expected init or set_theme)."),
            ))
        }
    };
    Ok(parsed)
}

/// The `tasks` of a message.
fn host_tasks(message: &Obj) -> Result<Vec<HostTask>, EmbedError> {
    let path = message.path_of("tasks");
    let mut tasks = Vec::new();
    for (i, item) in message.array("tasks")?.iter().enumerate() {
        let task = Obj::new(item, &format!("{path}[{i}]"))?;
        task.only("A task", TASK_FIELDS)?;
        let boxes_path = task.path_of("initial_value");
        let mut initial_value = Vec::new();
        for (j, item) in task.array("initial_value")?.iter().enumerate() {
            let b = Obj::new(item, &format!("{boxes_path}[{j}]"))?;
            b.only("A box", BOX_FIELDS)?;
            initial_value.push(CrowdBox {
                label: b.required_string("label")?,
                left: b.required_number("left")?,
                top: b.required_number("top")?,
                width: b.required_number("width")?,
                height: b.required_number("height")?,
            });
        }
        let tiles = pyramid(&task)?;
        let (mut width, mut height) = (
            task.whole("width", f64::from(u32::MAX))? as u32,
            task.whole("height", f64::from(u32::MAX))? as u32,
        );
        if let Some(p) = &tiles {
            if (width, height) == (0, 0) {
                (width, height) = (p.width, p.height);
            } else if (width, height) != (p.width, p.height) {
                return Err(EmbedError::at(
                    task.path_of("tiles"),
                    format!(
                        "The pyramid is {}×{} but the task says {width}×{height}.",
                        p.width, p.height
                    ),
                ));
            }
        }
        tasks.push(HostTask {
            id: task.whole("id", 9_007_199_254_740_991.0)? as u64,
            src: task.required_string("src")?,
            width,
            height,
            initial_value,
            tiles,
        });
    }
    Ok(tasks)
}

/// A task's `tiles` (a published pyramid's `pyramid.json`), checked like the server checks its own: the levels
/// must be the number the size and tile size make.
fn pyramid(task: &Obj) -> Result<Option<TilePyramid>, EmbedError> {
    if !task.has("tiles") {
        return Ok(None);
    }
    let path = task.path_of("tiles");
    let fields = task.object("tiles")?;
    fields.only("`tiles`", PYRAMID_FIELDS)?;
    match fields.string("format")?.as_deref() {
        None | Some("jpeg") => {}
        Some(other) => {
            return Err(EmbedError::at(
                fields.path_of("format"),
                format!("`{other}` is not a tile format (jpeg)."),
            ))
        }
    }
    let number = |name: &str| -> Result<u32, EmbedError> {
        let n = fields.whole(name, f64::from(u32::MAX))?;
        if n == 0.0 {
            return Err(EmbedError::at(
                fields.path_of(name),
                format!("`{name}` is missing."),
            ));
        }
        Ok(n as u32)
    };
    let (tile_size, levels, width, height) = (
        number("tile_size")?,
        number("levels")?,
        number("width")?,
        number("height")?,
    );
    let pyramid = TilePyramid::new(width, height, tile_size, TileFormat::Jpeg)
        .map_err(|e| EmbedError::at(path.clone(), format!("Not a tile pyramid: {e}.")))?;
    if pyramid.levels != levels {
        return Err(EmbedError::at(
            fields.path_of("levels"),
            format!(
                "A {width}×{height} image in {tile_size} px tiles has {} levels, not {levels}.",
                pyramid.levels
            ),
        ));
    }
    Ok(Some(pyramid))
}

fn check_init(init: &Init) -> Result<(), EmbedError> {
    if init.tasks.is_empty() && init.job.is_none() {
        return Err(EmbedError::at(
            "tasks",
            "`init` needs `tasks` (images to box) or a `job` to lease tasks from.",
        ));
    }
    if !init.tasks.is_empty() && init.labels.is_empty() {
        return Err(EmbedError::at("labels", "`init` names no labels."));
    }
    for (i, label) in init.labels.iter().enumerate() {
        if label.trim().is_empty() {
            return Err(EmbedError::at(format!("labels[{i}]"), "A label is empty."));
        }
        if init.labels[..i].contains(label) {
            return Err(EmbedError::at(
                format!("labels[{i}]"),
                format!("The label `{label}` is given twice."),
            ));
        }
    }
    if init.job.as_deref().is_some_and(|j| j.trim().is_empty()) {
        return Err(EmbedError::at("job", "`job` is blank."));
    }
    if init.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(EmbedError::at("name", "`name` is blank."));
    }
    if let Some(base) = &init.api_base {
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(EmbedError::at(
                "api_base",
                format!("`{base}` is not an http(s) URL."),
            ));
        }
    }
    check_tasks(&init.tasks, "tasks")?;
    check_strings(&init.strings)?;
    check_theme(&init.theme)
}

/// Every replaced UI string must have a known key and a short, non-empty text.
fn check_strings(strings: &[(String, String)]) -> Result<(), EmbedError> {
    for (key, text) in strings {
        let field = format!("strings.{key}");
        if crate::strings::default_text(key).is_none() {
            let known: Vec<&str> = crate::strings::STRINGS.iter().map(|(k, _)| *k).collect();
            return Err(EmbedError::at(
                field,
                format!("`{key}` is not a UI string (known: {}).", known.join(", ")),
            ));
        }
        let allowed = crate::strings::placeholders(crate::strings::default_text(key).unwrap_or(""));
        if let Some(extra) = crate::strings::placeholders(text)
            .into_iter()
            .find(|p| !allowed.contains(p))
        {
            return Err(EmbedError::at(
                field,
                format!(
                    "`{{{extra}}}` is not a value of `{key}` (it has: {}).",
                    if allowed.is_empty() {
                        "none".to_owned()
                    } else {
                        allowed
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ));
        }
        let chars = text.chars().count();
        if text.trim().is_empty() || chars > crate::strings::MAX_STRING_CHARS {
            return Err(EmbedError::at(
                field,
                format!(
                    "A UI string must have 1 to {} characters.",
                    crate::strings::MAX_STRING_CHARS
                ),
            ));
        }
    }
    Ok(())
}

fn check_tasks(tasks: &[HostTask], path: &str) -> Result<(), EmbedError> {
    for (i, task) in tasks.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        if task.src.trim().is_empty() {
            return Err(EmbedError::at(at("src"), "The image's `src` is empty."));
        }
        let lower = task.src.trim_start().to_ascii_lowercase();
        if lower.starts_with("javascript:") || lower.starts_with("s3://") {
            return Err(EmbedError::at(
                at("src"),
                format!(
                    "`{}` is not an image URL a browser can load (use https:, http:, data: or blob:).",
                    task.src
                ),
            ));
        }
        if (task.width == 0) != (task.height == 0) {
            return Err(EmbedError::at(
                at("width"),
                "Give both `width` and `height`, or neither.",
            ));
        }
        for (j, b) in task.initial_value.iter().enumerate() {
            let finite = [b.left, b.top, b.width, b.height]
                .iter()
                .all(|v| v.is_finite());
            if !finite || b.width <= 0.0 || b.height <= 0.0 {
                return Err(EmbedError::at(
                    format!("{path}[{i}].initial_value[{j}]"),
                    "A box needs finite numbers and a width and height above 0.",
                ));
            }
        }
    }
    Ok(())
}
