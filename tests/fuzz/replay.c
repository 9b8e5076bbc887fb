/* Replays a fuzz corpus through a fuzz target in the normal build: every file of every
 * directory given, whole and cut at up to 200 points (truncated bodies are the common case).
 * A crash fails the test; ASan/UBSan builds also catch memory errors. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 1 << 16, len = 0;
    uint8_t *data = malloc(cap);
    size_t n;
    while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (!data)
        return 0;
    LLVMFuzzerTestOneInput(data, len);
    size_t step = len / 200 > 7 ? len / 200 : 7;
    for (size_t cut = 0; cut < len; cut += step) {
        /* A copy of exactly cut bytes, so reading past the end is caught by ASan. */
        uint8_t *part = malloc(cut ? cut : 1);
        memcpy(part, data, cut);
        LLVMFuzzerTestOneInput(part, cut);
        free(part);
    }
    free(data);
    return 1;
}

int main(int argc, char **argv)
{
    int files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            files += replay_file(argv[i]);
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.' || strstr(e->d_name, ".md"))
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            files += replay_file(path);
        }
        closedir(d);
    }
    printf("replayed %d files\n", files);
    return files > 0 ? 0 : 1;
}
