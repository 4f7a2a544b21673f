#!/usr/bin/env bash
# macOS: double-click to run. Same as launch_server.sh, and keeps the window open at the end.
cd "$(dirname "$0")"
bash ./launch_server.sh "$@"
status=$?
echo
read -r -p "Press Enter to close this window. " _
exit $status
