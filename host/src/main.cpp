#include <cstdio>
int main() { std::puts("dashflow"); return 0; }
