/* Spins forever (compiles to `j .`): for --max-insns, --stats and SIGINT. */
int main(void) {
  for (;;) {
  }
}
