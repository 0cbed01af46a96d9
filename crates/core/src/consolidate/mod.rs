//! Consolidation of several workers' boxes into one set (being written).
