//! The display list the painter draws (being written).
