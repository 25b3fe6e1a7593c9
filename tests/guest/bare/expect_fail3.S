/* expect_fail3.S - fails on purpose with test number 3: `vm run --bare`
 * must exit with status 3 (the ctest test expects exactly that). */
#include "bare.h"

BARE_START
    li   a0, 1
    CHECK(1, a0, 1)                 /* passes */
    CHECK(2, a0, 1)                 /* passes */
    CHECK(3, a0, 2)                 /* fails: exit status 3 */
    TEST_PASS                       /* not reached */
BARE_END
