//! Integration tests: the real server on a random port, the real binary.

mod cli;
mod html;
mod reader;
mod support;
