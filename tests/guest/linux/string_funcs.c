/* libc string functions with varied alignments and lengths:
 * memcpy, memmove (overlapping), memset, memcmp, memchr, strlen, strcmp,
 * strncmp, strchr, strrchr, strstr, strtok, strspn, strcspn, strcpy, strcat. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t fnv(const void *p, size_t n) {
    const unsigned char *c = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 16777619u;
    return h;
}

static unsigned char buf[4096], buf2[4096];

int main(void) {
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + (i >> 5));

    /* memcpy / memmove / memset at all small offset combos */
    uint32_t h = 0;
    for (size_t so = 0; so < 16; so++)
        for (size_t d = 0; d < 16; d++)
            for (size_t n = 0; n < 300; n += 37) {
                memset(buf2, 0xa5, 700);
                memcpy(buf2 + d, buf + so, n);
                h = h * 31 + fnv(buf2, 700);
            }
    printf("memcpy hash %08x\n", h);
    h = 0;
    for (int shift = -40; shift <= 40; shift += 3) {
        unsigned char tmp[1200];
        memcpy(tmp, buf, sizeof tmp);
        memmove(tmp + 300 + shift, tmp + 300, 500);
        h = h * 31 + fnv(tmp, sizeof tmp);
    }
    printf("memmove hash %08x\n", h);
    h = 0;
    for (int off = 0; off < 20; off++)
        for (int n = 0; n < 200; n += 13) {
            memcpy(buf2, buf, 300);
            memset(buf2 + off, off * 3 + n, (size_t)n);
            h = h * 31 + fnv(buf2, 300);
        }
    printf("memset hash %08x\n", h);

    /* memcmp / memchr */
    memcpy(buf2, buf, sizeof buf);
    buf2[1000] ^= 1;
    printf("memcmp eq=%d lt=%d gt=%d sign=%d\n", memcmp(buf, buf2, 1000), memcmp(buf, buf2, 1001) < 0,
           memcmp(buf2, buf, 1001) > 0, memcmp("abc", "abd", 3) < 0);
    const unsigned char *mc = memchr(buf, 0xff, sizeof buf);
    printf("memchr 0xff at %ld, memchr missing=%d\n", mc ? (long)(mc - buf) : -1L, memchr("hello", 'z', 5) == NULL);

    /* strlen at different alignments and lengths */
    char s[512];
    long total = 0;
    for (int a = 0; a < 16; a++)
        for (int len = 0; len < 100; len += 3) {
            memset(s, 'x', sizeof s);
            s[a + len] = 0;
            total += (long)strlen(s + a) * (a + 1);
        }
    printf("strlen total %ld\n", total);

    /* comparisons */
    const char *words[] = {"", "a", "ab", "abc", "abd", "b", "B", "apple", "apples", "\xff", "zebra", "Zebra"};
    int nw = sizeof words / sizeof words[0];
    for (int i = 0; i < nw; i++) {
        printf("%-7s:", words[i][0] == '\xff' ? "<ff>" : words[i]);
        for (int j = 0; j < nw; j++) {
            int c = strcmp(words[i], words[j]);
            int cn = strncmp(words[i], words[j], 2);
            printf(" %c%c", c < 0 ? '<' : c > 0 ? '>' : '=', cn < 0 ? '<' : cn > 0 ? '>' : '=');
        }
        printf("\n");
    }

    const char *text = "the cat sat on the mat with the hat; that is that.";
    printf("strchr t: %s\n", strchr(text, 't'));
    printf("strrchr t: %s\n", strrchr(text, 't'));
    printf("strchr nul at %ld\n", (long)(strchr(text, 0) - text));
    const char *needles[] = {"the", "hat", "that.", "mat w", "dog", "", "t", "at;"};
    for (unsigned i = 0; i < sizeof needles / sizeof needles[0]; i++) {
        const char *p = strstr(text, needles[i]);
        printf("strstr(\"%s\") = %ld\n", needles[i], p ? (long)(p - text) : -1L);
    }
    printf("strspn=%zu strcspn=%zu\n", strspn(text, "eht "), strcspn(text, ";."));

    char tokbuf[] = "  alpha, beta;;gamma  delta,epsilon ;; ";
    int k = 0;
    for (char *t = strtok(tokbuf, " ,;"); t; t = strtok(NULL, " ,;")) printf("tok[%d]=%s\n", k++, t);
    char tb2[] = "key1=val1&key2=val2&&key3=";
    char *save = NULL;
    for (char *t = strtok_r(tb2, "&", &save); t; t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        printf("pair %.*s -> '%s'\n", (int)(eq - t), t, eq + 1);
    }

    char cat[128] = "";
    for (int i = 0; i < 6; i++) {
        strcat(cat, words[i + 1]);
        strcat(cat, "-");
    }
    char cpy[128];
    strcpy(cpy, cat);
    memcpy(cpy + 3, "XYZ", 3);
    printf("strcat '%s' copy '%s' len %zu\n", cat, cpy, strlen(cpy));
    printf("strdup ok=%d\n", strcmp(strdup(text), text) == 0);
    return 0;
}
