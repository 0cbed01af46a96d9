//! The host's theme: `--cb-*` CSS custom properties from an allow-list, each mapped to one of the app's own
//! variables, with values that can only be colours, lengths and the like (no `url(…)`, no way out of the
//! declaration).

use super::EmbedError;

/// A theme as the host gives it: (`--cb-*` name, value) pairs, in the host's order.
pub type Theme = Vec<(String, String)>;

/// One themeable variable: the name the host uses and the app's own variable it sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThemeVariable {
    pub host: &'static str,
    pub app: &'static str,
}

const fn var(host: &'static str, app: &'static str) -> ThemeVariable {
    ThemeVariable { host, app }
}

/// Every variable a host may set (see `style/app.css` for what each colours).
pub const THEME_VARIABLES: &[ThemeVariable] = &[
    var("--cb-bg", "--bg"),
    var("--cb-surface", "--surface"),
    var("--cb-surface-muted", "--surface-muted"),
    var("--cb-text", "--text"),
    var("--cb-text-muted", "--text-muted"),
    var("--cb-border", "--border"),
    var("--cb-accent", "--accent"),
    var("--cb-accent-text", "--accent-text"),
    var("--cb-accent-soft", "--accent-soft"),
    var("--cb-danger", "--danger"),
    var("--cb-danger-soft", "--danger-soft"),
    var("--cb-focus", "--focus"),
    var("--cb-canvas-bg", "--canvas-bg"),
    var("--cb-radius", "--radius"),
    var("--cb-sidebar-width", "--sidebar-width"),
    var("--cb-gap", "--gap"),
];

/// CSS functions a theme value may call.
const FUNCTIONS: &[&str] = &[
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "hwb",
    "lab",
    "lch",
    "oklab",
    "oklch",
    "color-mix",
    "calc",
    "min",
    "max",
    "clamp",
];

/// The longest value accepted.
const MAX_VALUE_LEN: usize = 200;

/// Checks every entry of a theme, naming the first bad one.
pub fn check_theme(theme: &Theme) -> Result<(), EmbedError> {
    for (name, value) in theme {
        let field = format!("theme.{name}");
        if !THEME_VARIABLES.iter().any(|v| v.host == name) {
            return Err(EmbedError::at(
                field,
                format!(
                    "`{name}` is not a theme variable (allowed: {}).",
                    THEME_VARIABLES
                        .iter()
                        .map(|v| v.host)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        check_value(value).map_err(|why| {
            EmbedError::at(field, format!("`{value}` is not a theme value: {why}."))
        })?;
    }
    Ok(())
}

/// The theme as (app variable, value) pairs to set; assumes [`check_theme`] passed.
pub fn app_variables(theme: &Theme) -> Vec<(&'static str, String)> {
    theme
        .iter()
        .filter_map(|(name, value)| {
            let v = THEME_VARIABLES.iter().find(|v| v.host == name)?;
            Some((v.app, value.trim().to_owned()))
        })
        .collect()
}

fn check_value(value: &str) -> Result<(), &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("it is empty");
    }
    if value.len() > MAX_VALUE_LEN {
        return Err("it is longer than 200 characters");
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                ' ' | '#' | '%' | '.' | ',' | '(' | ')' | '-' | '+' | '/' | '*'
            )
    };
    if !value.chars().all(allowed) {
        return Err("only letters, digits, spaces and # % . , ( ) - + / * are allowed");
    }
    // Every `name(` must be an allowed function (no url(), image-set(), env(), attr(), …).
    let mut depth = 0i32;
    let mut word_start = 0;
    for (i, c) in value.char_indices() {
        match c {
            '(' => {
                let word = value[word_start..i].to_ascii_lowercase();
                if !word.is_empty() && !FUNCTIONS.contains(&word.as_str()) {
                    return Err("it calls a CSS function that is not allowed");
                }
                depth += 1;
                word_start = i + 1;
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("its parentheses do not match");
                }
                word_start = i + 1;
            }
            c if c.is_ascii_alphanumeric() || c == '-' => {}
            _ => word_start = i + 1,
        }
    }
    if depth != 0 {
        return Err("its parentheses do not match");
    }
    Ok(())
}
