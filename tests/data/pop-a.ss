Netid State  Recv-Q Send-Q      Local Address:Port        Peer Address:Port Process                                    
udp   UNCONN 0      0                 0.0.0.0:5353             0.0.0.0:*     ino:1595700 sk:b0a02 cgroup:/ <->         
udp   UNCONN 0      0                   [::1]:53                  [::]:*     ino:1595702 sk:b0a03 cgroup:/ v6only:1 <->
udp   UNCONN 0      0                       *:5354                   *:*     ino:1595701 sk:b0a04 cgroup:/ v6only:0 <->
udp   ESTAB  0      0      [::ffff:127.0.0.1]:5355  [::ffff:127.0.0.1]:5353  ino:1595704 sk:b0a05 cgroup:/ <->         
tcp   LISTEN 0      128               0.0.0.0:2222             0.0.0.0:*     ino:1595691 sk:b09f9 cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:34550          127.0.0.1:2222  ino:1595694 sk:b09fa cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:2222           127.0.0.1:34550 ino:1595695 sk:b09fb cgroup:/ <->         
tcp   ESTAB  0      0               127.0.0.1:50638          127.0.0.1:3128  ino:1595696 sk:b09fc cgroup:/ <->         
tcp   LISTEN 0      128                     *:3128                   *:*     ino:1595692 sk:b09fd cgroup:/ v6only:0 <->
tcp   LISTEN 0      128                  [::]:8443                [::]:*     ino:1595693 sk:b09fe cgroup:/ v6only:1 <->
tcp   ESTAB  0      0                   [::1]:50150              [::1]:8443  ino:1595698 sk:b09ff cgroup:/ <->         
tcp   ESTAB  0      0                   [::1]:8443               [::1]:50150 ino:1595699 sk:b0a00 cgroup:/ <->         
tcp   ESTAB  0      0      [::ffff:127.0.0.1]:3128  [::ffff:127.0.0.1]:50638 ino:1595697 sk:b0a01 cgroup:/ <->         
