//! The app shell's view components, one concern per file.

pub mod box_list;
pub mod dialog;
pub mod instructions;
pub mod keys;
pub mod label_picker;
pub mod later;
pub mod markdown;
pub mod messages;
pub mod outcome_controls;
pub mod progress;
pub mod shortcut_help;
#[cfg(feature = "static-site")]
pub mod static_panel;
pub mod status;
pub mod sync_status;
pub mod task_view;
pub mod verify_panel;
pub mod view_controls;
