//! The app shell's view components, one concern per file.

pub mod box_list;
pub mod instructions;
pub mod label_picker;
pub mod messages;
pub mod progress;
pub mod status;
pub mod sync_status;
pub mod task_view;
pub mod view_controls;
