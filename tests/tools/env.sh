# Sourced by the checkers beside it: where install.sh put the tools.
export DATELINE_TOOLS=${DATELINE_TOOLS:-/opt/dateline-tools}
export TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TOOLS_PYTHON=$DATELINE_TOOLS/venv/bin/python
export TOOLS_NODE_MODULES=$DATELINE_TOOLS/node/node_modules
export NODE_PATH=$TOOLS_NODE_MODULES
export VNU_JAR=$TOOLS_NODE_MODULES/vnu-jar/build/dist/vnu.jar
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
