//! Making pyramids from real files written by the tests: the tiles' layout, sizes and pixels, and bad input
//! refused with nothing written.

mod bad_input;
mod helpers;
mod making;
