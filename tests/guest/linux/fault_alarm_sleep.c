/* alarm() while the program sleeps: the SIGALRM (default action) ends it
 * during the sleep, not after (status 142). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("alarm(1) = %u\n", alarm(1));
    struct timespec ten = {10, 0};
    nanosleep(&ten, NULL);
    printf("slept through the alarm\n");
    return 1;
}
