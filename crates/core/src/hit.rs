//! Hit-testing boxes under a point (being written).
