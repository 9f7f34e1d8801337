//! The `poolsim` binary: a thin wrapper around [`poolsim::cli::main`].

fn main() -> std::process::ExitCode {
    poolsim::cli::main()
}
