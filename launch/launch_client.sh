#!/usr/bin/env bash
# Starts the p2pchat client, through a relay if you have its address.
# Usage: launch/launch_client.sh [relay-multiaddr]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "Installing p2pchat (first run only)..."
  npm install
fi
NODE="$PWD/node_modules/.bin/node"
[ -x "$NODE" ] || NODE="node"

RELAY="${1:-${P2PCHAT_RELAY:-}}"
if [ -z "$RELAY" ] && [ -f launch/relay.txt ]; then
  RELAY="$(head -n 1 launch/relay.txt)"
fi
if [ -z "$RELAY" ]; then
  echo "Relay address (like /ip4/203.0.113.7/tcp/4100/p2p/12D3KooW...),"
  read -r -p "or press Enter to chat on this LAN only: " RELAY
fi

if [ -n "$RELAY" ]; then
  echo "$RELAY" > launch/relay.txt
  exec "$NODE" bin/p2pchat.js start --relay "$RELAY"
else
  exec "$NODE" bin/p2pchat.js start
fi
