@echo off
rem Starts a p2pchat relay from this folder, creating it on first run.
rem Usage: launch\launch_server.bat [data-dir]
setlocal
cd /d "%~dp0.."
set "DATA_DIR=%~1"
if "%DATA_DIR%"=="" set "DATA_DIR=%CD%\relay-data"

if not exist node_modules (
  echo Installing p2pchat ^(first run only^)...
  call npm install || goto :failed
)
set "NODE=%CD%\node_modules\node\bin\node.exe"
if not exist "%NODE%" set "NODE=node"

if not exist "%DATA_DIR%\relay.json" (
  echo No relay in %DATA_DIR% yet: let's create one.
  set /p "NAME=Relay name (what people see): "
  echo Each admin is a PeerId; a user prints theirs with: p2pchat id
  set /p "ADMIN=First admin's PeerId: "
  call "%%NODE%%" bin\p2pchat.js relay init --data-dir "%DATA_DIR%" --name "%%NAME%%" --admin "%%ADMIN%%" || goto :failed
)

echo Starting the relay (Ctrl-C stops it and saves its state).
echo On a public host, open TCP ports 4100 and 4101 and give people the address with the public IP.
"%NODE%" bin\p2pchat.js relay start --data-dir "%DATA_DIR%"
pause
exit /b %errorlevel%

:failed
pause
exit /b 1
