@echo off
rem Starts the p2pchat client, through a relay if you have its address.
rem Usage: launch\launch_client.bat [relay-multiaddr]
setlocal
cd /d "%~dp0.."
if not exist node_modules (
  echo Installing p2pchat ^(first run only^)...
  call npm install || goto :failed
)
set "NODE=%CD%\node_modules\node\bin\node.exe"
if not exist "%NODE%" set "NODE=node"

set "RELAY=%~1"
if "%RELAY%"=="" if exist launch\relay.txt set /p RELAY=<launch\relay.txt
if "%RELAY%"=="" (
  echo Relay address ^(like /ip4/203.0.113.7/tcp/4100/p2p/12D3KooW...^),
  set /p "RELAY=or press Enter to chat on this LAN only: "
)

if "%RELAY%"=="" (
  "%NODE%" bin\p2pchat.js start
) else (
  > launch\relay.txt echo %RELAY%
  "%NODE%" bin\p2pchat.js start --relay "%RELAY%"
)
pause
exit /b %errorlevel%

:failed
pause
exit /b 1
