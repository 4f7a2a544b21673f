#!/usr/bin/env bash
# macOS: double-click to run. Same as launch_client.sh, and keeps the window open at the end.
cd "$(dirname "$0")"
bash ./launch_client.sh "$@"
status=$?
echo
read -r -p "Press Enter to close this window. " _
exit $status
