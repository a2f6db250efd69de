// dashflow: the plugin host's command line.
#include "cli/command.hpp"

int main(int argc, char** argv) { return dashflow::host::run_cli(argc, argv); }
