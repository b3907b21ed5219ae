from passculture.manage import main

main()
