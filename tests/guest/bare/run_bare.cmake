# Runs one bare-metal guest program under vm and checks vm's exit status.
#
#   cmake -DVM=<vm> -DPROG=<elf> [-DEXPECT_RC=<n>] [-DMAX_INSNS=<n>] -P run_bare.cmake
#
# The guest's stdout/stderr pass straight through. On the expected exit status
# the script prints "bare-check: exit status <n> as expected" on stdout (after
# the guest's output), so a test can match its output and the status with one
# PASS_REGULAR_EXPRESSION; otherwise it fails.
cmake_minimum_required(VERSION 3.16)

if(NOT DEFINED VM OR NOT DEFINED PROG)
  message(FATAL_ERROR "usage: cmake -DVM=<vm> -DPROG=<elf> [-DEXPECT_RC=<n>] [-DMAX_INSNS=<n>] -P run_bare.cmake")
endif()
if(NOT DEFINED EXPECT_RC)
  set(EXPECT_RC 0)
endif()
if(NOT DEFINED MAX_INSNS)
  set(MAX_INSNS 10000000)
endif()

execute_process(
  COMMAND "${VM}" run --bare --max-insns ${MAX_INSNS} "${PROG}"
  RESULT_VARIABLE rc
  TIMEOUT 25)

if(NOT "${rc}" STREQUAL "${EXPECT_RC}")
  message(FATAL_ERROR "bare-check: ${PROG}: vm exit status '${rc}', expected ${EXPECT_RC}")
endif()
message(STATUS "bare-check: exit status ${rc} as expected")
