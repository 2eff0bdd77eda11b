//! Integration tests: the real server on a random port, the real binary.

mod cache;
mod cli;
mod html;
mod reader;
mod support;
