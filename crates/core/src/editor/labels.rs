//! The labels of the editor: the active label for new boxes, and relabelling the selected box.

use super::history::Edit;
use super::{Annotation, Editor};
use crate::coco::CocoCategory;

impl Editor {
    /// The label new boxes get; 0 when the job has no labels.
    pub fn active_category(&self) -> u64 {
        self.active_category
    }

    /// Makes `id` the label for new boxes, and gives it (undoably) to the selected box when that box was selected
    /// on purpose (click, Tab, box list) or edited since it was drawn. A box selected only because it was just
    /// drawn keeps its label: "pick hammer, draw, pick screwdriver, draw" gives one box of each. Unknown ids are
    /// ignored.
    pub fn set_active_category(&mut self, id: u64) {
        if !self.categories.iter().any(|c| c.id == id) {
            return;
        }
        self.active_category = id;
        if self.read_only {
            return;
        }
        if let Some(before) = self.relabel_target() {
            if before.category_id != id {
                let after = Annotation {
                    category_id: id,
                    ..before.clone()
                };
                self.commit(Edit::Change { before, after });
            }
        }
    }

    /// The box choosing a label would relabel: the selected one, unless it is selected only because it was just
    /// drawn (see [`Editor::set_active_category`]).
    pub(super) fn relabel_target(&self) -> Option<Annotation> {
        self.selected
            .filter(|s| self.fresh != Some(*s))
            .and_then(|s| self.annotation(s))
            .cloned()
    }

    /// Whether the selected box is selected only because it was just drawn, so choosing a label leaves it alone.
    pub fn selection_is_fresh(&self) -> bool {
        self.selected.is_some() && self.selected == self.fresh
    }

    pub fn categories(&self) -> &[CocoCategory] {
        &self.categories
    }

    /// The label's name, or `label <id>` for an id the job does not have.
    pub fn category_name(&self, id: u64) -> String {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("label {id}"), |c| c.name.clone())
    }
}
