/* test_sha256.c - FIPS 180-4 example vectors, and streaming in odd chunks. */
#include "jail/sha256.h"
#include "tests/tap.h"

int main(void)
{
	char hex[65];
	struct sha256_ctx c;
	unsigned char d[32];
	static char million[1000000];
	size_t off;

	sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty");
	sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	is_str(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "448 bits");
	memset(million, 'a', sizeof(million));
	sha256_init(&c);
	for (off = 0; off < sizeof(million);) {
		size_t n = (off % 7919) + 1;

		if (n > sizeof(million) - off)
			n = sizeof(million) - off;
		sha256_update(&c, million + off, n);
		off += n;
	}
	sha256_final(&c, d);
	sha256_to_hex(d, hex);
	is_str(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
	       "one million a, fed in uneven chunks");
	return done_testing();
}
